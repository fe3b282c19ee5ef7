// Lab snapshots of a data dir: names, the layout under DIR/lab-snapshots/, the baseline taken
// once, and a restore that brings rows and the seed's fault rules back, audited.
#include "tools/localca/lab_snapshot.hpp"

#include "storage/enos/tenant_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "tools/localca/data_dir.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

namespace tools = localca::tools;
namespace storage = localca::storage;
namespace ca = localca::ca;

BOOST_AUTO_TEST_SUITE(tools_lab_snapshot)

BOOST_AUTO_TEST_CASE(names) {
    BOOST_TEST(tools::valid_snapshot_name("before-renewal_2.x"));
    BOOST_TEST(tools::valid_snapshot_name(std::string(64, 'a')));
    BOOST_TEST(!tools::valid_snapshot_name(std::string(65, 'a')));
    BOOST_TEST(!tools::valid_snapshot_name(""));
    BOOST_TEST(!tools::valid_snapshot_name("."));
    BOOST_TEST(!tools::valid_snapshot_name(".."));
    BOOST_TEST(!tools::valid_snapshot_name("a/b"));
    BOOST_TEST(!tools::valid_snapshot_name("sp ace"));
}

BOOST_AUTO_TEST_CASE(take_list_restore_and_baseline) {
    localca::test::temp_dir dir;
    storage::store store(tools::storage_options(dir.path()));
    const auto orgs = [&] {
        return storage::sql::query_int64(store.reader(), "SELECT count(*) FROM orgs");
    };
    store.writer().run([](storage::connection& db) { storage::enos::upsert_org(db, "o1"); });
    std::ofstream(dir / "lab-faults.json") << "[]";
    BOOST_TEST(tools::ensure_baseline_snapshot(dir.path()));
    BOOST_TEST(!tools::ensure_baseline_snapshot(dir.path())); // once
    store.writer().run([](storage::connection& db) { storage::enos::upsert_org(db, "o2"); });
    std::filesystem::remove(dir / "lab-faults.json");
    BOOST_TEST(tools::take_snapshot(dir.path(), "two") == 0); // no certificates
    BOOST_TEST(tools::take_snapshot(dir.path(), "two") == 0); // replaced, not refused
    const auto list = tools::list_snapshots(dir.path());
    BOOST_TEST_REQUIRE(list.size() == 2u);
    BOOST_TEST(list[0].name == "_baseline");
    BOOST_TEST(list[1].name == "two");
    BOOST_CHECK_THROW(tools::take_snapshot(dir.path(), ".."), std::invalid_argument);

    const auto clk = ca::real_time();
    tools::restore_snapshot(store, dir.path(), "_baseline", ca::audit_context{"t", "", ""}, *clk);
    BOOST_TEST(orgs() == 1);
    BOOST_TEST(std::filesystem::exists(dir / "lab-faults.json")); // the lab state came back
    tools::restore_snapshot(store, dir.path(), "two", ca::audit_context{"t", "", ""}, *clk);
    BOOST_TEST(orgs() == 2);
    BOOST_TEST(!std::filesystem::exists(dir / "lab-faults.json"));
    BOOST_TEST(storage::sql::query_int64(store.reader(), "SELECT count(*) FROM audit WHERE "
                                                         "action = 'lab-restore'") == 1);
    BOOST_CHECK_THROW(
        tools::restore_snapshot(store, dir.path(), "nope", ca::audit_context{"t", "", ""}, *clk),
        std::runtime_error);

    BOOST_TEST(tools::delete_snapshot(dir.path(), "two"));
    BOOST_TEST(!tools::delete_snapshot(dir.path(), "two")); // gone
    BOOST_TEST_REQUIRE(tools::list_snapshots(dir.path()).size() == 1u);
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(tools::snapshots_dir(dir.path())),
                             std::filesystem::directory_iterator{}) == 1); // nothing left aside
    BOOST_CHECK_THROW(tools::delete_snapshot(dir.path(), "../x"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
