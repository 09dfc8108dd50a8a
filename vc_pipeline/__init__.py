"""vc_pipeline: pairs Virtual Coffee 1:1 rounds from the sign-up survey export."""
