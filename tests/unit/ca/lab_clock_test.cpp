// Lab mode's time travel parsing and storage (ca/lab_clock.hpp), against an in-memory store.
#include "ca/lab_clock.hpp"

#include "storage/lab_state_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

namespace ca = localca::ca;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(lab_clock)

BOOST_AUTO_TEST_CASE(durations) {
    BOOST_TEST((ca::parse_lab_duration("30d").value() == 30 * 86400s));
    BOOST_TEST((ca::parse_lab_duration("12h").value() == 12h));
    BOOST_TEST((ca::parse_lab_duration("90m").value() == 90min));
    BOOST_TEST((ca::parse_lab_duration("45s").value() == 45s));
    BOOST_TEST((ca::parse_lab_duration("-1d").value() == -86400s));
    for (const char* bad : {"", "d", "30", "30x", "1.5d", "+1d", "--1d", "d30", "1 d", "99999999d"}) {
        BOOST_TEST(!ca::parse_lab_duration(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(rfc3339_round_trip_and_zones) {
    const auto t = ca::parse_rfc3339("2027-01-01T00:00:00Z").value();
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() ==
               1798761600);
    BOOST_TEST(ca::rfc3339(t) == "2027-01-01T00:00:00Z");
    BOOST_TEST((ca::parse_rfc3339("2027-01-01T02:00:00+02:00").value() == t));
    BOOST_TEST((ca::parse_rfc3339("2026-12-31T19:00:00-05:00").value() == t));
    BOOST_TEST((ca::parse_rfc3339("2027-01-01T00:00:00.750Z").value() == t));
    for (const char* bad : {"2027-01-01", "2027-01-01T00:00:00", "2027-02-30T00:00:00Z",
                            "2027-13-01T00:00:00Z", "2027-01-01T24:00:00Z", "tomorrow",
                            "2027-01-01T00:00:00+2:00", "2027-01-01T00:00:00.Z"}) {
        BOOST_TEST(!ca::parse_rfc3339(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(changes_are_stored_and_audited) {
    localca::test::temp_dir dir;
    localca::storage::options o;
    o.path = dir.path() / "localca.db";
    o.durable = false;
    localca::storage::store store(o);
    store.writer().run(
        [](localca::storage::connection& db) { localca::storage::write_lab_enabled(db, true); });
    const ca::audit_context who{"tester", "10.0.0.1", ""};
    using kind = ca::lab_clock_change::kind;
    BOOST_TEST(ca::change_lab_clock(store, {kind::advance, 3600s, {}}, who).count() == 3600);
    BOOST_TEST(ca::change_lab_clock(store, {kind::advance, -600s, {}}, who).count() == 3000);
    BOOST_TEST(ca::stored_lab_offset(store).count() == 3000);
    const auto target = ca::real_time()->now() + 48h;
    const auto set = ca::change_lab_clock(store, {kind::set, 0s, target}, who);
    BOOST_TEST(std::abs(set.count() - 48 * 3600) <= 1);
    BOOST_TEST(ca::change_lab_clock(store, {kind::reset, 0s, {}}, who).count() == 0);
    BOOST_TEST(ca::stored_lab_offset(store).count() == 0);
    auto& db = store.reader();
    BOOST_TEST(localca::storage::sql::query_int64(
                   db, "SELECT count(*) FROM audit WHERE action = 'lab-clock' AND "
                       "actor = 'tester' AND source_ip = '10.0.0.1'") == 4);
    BOOST_TEST(ca::verify_audit(db).ok);
    // Lab mode off: the stored offset is not applied.
    ca::change_lab_clock(store, {kind::advance, 60s, {}}, who);
    store.writer().run(
        [](localca::storage::connection& d) { localca::storage::write_lab_enabled(d, false); });
    BOOST_TEST(ca::stored_lab_offset(store).count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
