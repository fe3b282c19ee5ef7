// The seed loader (tools/localca/seed*.cpp): parse_seed on arbitrary text, and every file it
// accepts applied to a fresh in-memory store, twice: the first run may write, the second must
// change nothing (seeding is idempotent). An invalid file throws json_error only; applying an
// accepted one may refuse a conflict (runtime_error) but nothing else.
//
// emCA users are dropped before applying: each costs an Argon2id hash (~50 ms, on purpose), which
// would slow the target to a few inputs a second. Their validation is fuzzed; their upsert is
// covered by tests/unit/tools/seed_emca_tests.cpp.
#include "fuzz_support.hpp"

#include "storage/store.hpp"
#include "tools/localca/seed.hpp"

namespace {

using localca::fuzz::violated;
namespace tools = localca::tools;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    tools::seed_data seed;
    try {
        seed = tools::parse_seed(localca::fuzz::as_text(data, size));
    } catch (const tools::json_error&) {
        return 0;
    }
    seed.emca.users.clear();
    localca::storage::options so;
    so.path = ":memory:";
    so.durable = false;
    localca::storage::store store(so);
    // Secrets are sealed on the way in; any fixed key does for the loader's logic.
    static const localca::ca::secret_box box(std::vector<std::uint8_t>(32, 0x42));
    try {
        tools::apply_seed(store, seed, box, *localca::ca::real_time());
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const tools::json_error*>(&e)) {
            violated(std::string("apply_seed threw json_error: ") + e.what());
        }
        return 0; // a conflict inside the file that only the database sees: refused whole
    }
    const auto again = tools::apply_seed(store, seed, box, *localca::ca::real_time());
    if (again.inserted_or_changed != 0) {
        violated("a second apply of the same seed changed " +
                 std::to_string(again.inserted_or_changed) + " rows");
    }
    return 0;
}
