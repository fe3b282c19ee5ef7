#include "ca/secure_memory.hpp"
#include "tools/localca/cli.hpp"

int main(int argc, char** argv) {
    localca::ca::use_unpooled_secure_memory(); // before Botan's first secure allocation
    return localca::tools::run_cli(argc, argv);
}
