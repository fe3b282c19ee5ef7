#pragma once
// --mode inventory | export | admin (both): the operator API at size (docs/performance.md,
// "Operator API at size"). Preloads the database, starts the server, then times /admin/v1 queries.
#include "tools/bench/bench.hpp"

namespace localca::bench {

// Returns the exit status (1 when an answer was not 200).
int run_admin(const options& o, const std::vector<csr_item>& csrs);

} // namespace localca::bench
