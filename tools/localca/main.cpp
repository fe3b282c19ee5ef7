#include "tools/localca/cli.hpp"

int main(int argc, char** argv) {
    return localca::tools::run_cli(argc, argv);
}
