// The reference exact matching for `make bench`: LEMON's MaxWeightedPerfectMatching (Debian's
// liblemon-dev) on the complete graph of an N x N score matrix.
// Input: a file of N (int32) then N*N doubles, row-major. Output: one JSON line with the solve
// time in seconds (the graph built, not the file read) and the matching's total weight.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <lemon/full_graph.h>
#include <lemon/matching.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: lemon_matching SCORES_FILE\n");
        return 2;
    }
    std::FILE* file = std::fopen(argv[1], "rb");
    if (!file) {
        std::perror(argv[1]);
        return 1;
    }
    std::int32_t n = 0;
    if (std::fread(&n, sizeof n, 1, file) != 1 || n < 2 || n % 2) {
        std::fprintf(stderr, "expected an even N >= 2 first\n");
        return 1;
    }
    std::vector<double> scores(static_cast<std::size_t>(n) * n);
    if (std::fread(scores.data(), sizeof(double), scores.size(), file) != scores.size()) {
        std::fprintf(stderr, "expected N*N doubles\n");
        return 1;
    }
    std::fclose(file);

    auto started = std::chrono::steady_clock::now();
    lemon::FullGraph graph(n);
    lemon::FullGraph::EdgeMap<double> weight(graph);
    for (lemon::FullGraph::EdgeIt e(graph); e != lemon::INVALID; ++e) {
        weight[e] = scores[static_cast<std::size_t>(graph.id(graph.u(e))) * n + graph.id(graph.v(e))];
    }
    lemon::MaxWeightedPerfectMatching<lemon::FullGraph, lemon::FullGraph::EdgeMap<double>> matching(graph, weight);
    if (!matching.run()) {
        std::fprintf(stderr, "no perfect matching\n");
        return 1;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double total = 0.0;
    for (lemon::FullGraph::EdgeIt e(graph); e != lemon::INVALID; ++e) {
        if (matching.matching(e)) total += weight[e];
    }
    std::printf("{\"n\": %d, \"seconds\": %.6f, \"total\": %.12f}\n", n, seconds, total);
    return 0;
}
