#include <layerwise/experiment/sweep_main.hpp>

int main(int argc, char** argv) { return lw::sweep_main(argc, argv, "pca_sweep"); }
