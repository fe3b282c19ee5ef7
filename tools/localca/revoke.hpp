#pragma once
// `localca revoke` and the bulk-revocation filter keys of every module, wired here.
#include "storage/bulk_filters.hpp"

#include <string>
#include <vector>

namespace localca::tools {

struct arguments;
} // namespace localca::tools
namespace localca::ca {
class engine;
}
namespace localca::tools {

// The core's keys and every vendor module's (EnOS, Foundry, emCA) with their state hooks.
storage::bulk_filters all_bulk_filters();

// The work of `localca revoke` (cmd_revoke in commands.cpp opens the data dir): validates the
// reason and the filter, then revokes in batches and prints the count.
int run_bulk_revocation(const arguments& args, ca::engine& engine);

} // namespace localca::tools
