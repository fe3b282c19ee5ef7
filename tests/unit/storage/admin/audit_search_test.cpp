// The operator API's audit search: each filter, the inclusive time range, and keyset pages in
// both directions.
#include "storage/admin/audit_search.hpp"

#include "storage/audit_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

namespace {

struct audit_fixture : test::migrated_db {
    audit_fixture() {
        // id, at, actor, action, cert, outcome
        add(1, 100, "enos:ak-1", "issue", 11, "ok");
        add(2, 200, "enos:ak-1", "revoke", 11, "ok");
        add(3, 300, "admin-token", "auth", std::nullopt, "denied");
        add(4, 400, "emca:alice", "issue", 12, "ok");
        add(5, 500, "enos:ak-1", "issue", 13, "ok");
    }
    void add(std::int64_t id, std::int64_t at, const std::string& actor, const std::string& action,
             std::optional<std::int64_t> cert, const std::string& outcome) {
        audit_row r;
        r.id = id;
        r.at = at;
        r.actor = actor;
        r.action = action;
        r.cert_sn = cert;
        r.outcome = outcome;
        r.prev_hash = std::string(64, '0');
        r.hash = std::string(64, static_cast<char>('a' + id));
        insert_audit(db, r);
    }
    std::vector<std::int64_t> ids(const admin::audit_query& q) {
        std::vector<std::int64_t> out;
        for (const auto& r : admin::search_audit(db, q)) {
            out.push_back(r.id);
        }
        return out;
    }
};

using id_list = std::vector<std::int64_t>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_audit_search, audit_fixture)

BOOST_AUTO_TEST_CASE(filters_combine) {
    admin::audit_query q;
    BOOST_TEST(ids(q) == (id_list{1, 2, 3, 4, 5}), boost::test_tools::per_element());
    q.actor = "enos:ak-1";
    BOOST_TEST(ids(q) == (id_list{1, 2, 5}), boost::test_tools::per_element());
    q.action = "issue";
    BOOST_TEST(ids(q) == (id_list{1, 5}), boost::test_tools::per_element());
    q = {};
    q.outcome = "denied";
    BOOST_TEST(ids(q) == (id_list{3}), boost::test_tools::per_element());
    q = {};
    q.cert_sn = 11;
    BOOST_TEST(ids(q) == (id_list{1, 2}), boost::test_tools::per_element());
    q = {};
    q.from = 200;
    q.to = 400; // both inclusive
    BOOST_TEST(ids(q) == (id_list{2, 3, 4}), boost::test_tools::per_element());
    const auto rows = admin::search_audit(db, q);
    BOOST_TEST(rows[1].actor == "admin-token");
    BOOST_TEST(!rows[1].cert_sn.has_value());
    BOOST_TEST(rows[2].hash == std::string(64, 'e'));
}

BOOST_AUTO_TEST_CASE(keyset_pages_both_ways) {
    admin::audit_query q;
    q.limit = 2;
    BOOST_TEST(ids(q) == (id_list{1, 2}), boost::test_tools::per_element());
    q.after_id = 2;
    BOOST_TEST(ids(q) == (id_list{3, 4}), boost::test_tools::per_element());
    q.after_id = 4;
    BOOST_TEST(ids(q) == (id_list{5}), boost::test_tools::per_element());
    q.descending = true;
    q.after_id.reset();
    BOOST_TEST(ids(q) == (id_list{5, 4}), boost::test_tools::per_element());
    q.after_id = 4;
    BOOST_TEST(ids(q) == (id_list{3, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
