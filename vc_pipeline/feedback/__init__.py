"""The post-round feedback form: who met, how it went; read tolerantly, turned into member ids."""
