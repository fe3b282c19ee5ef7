// The operator API's certificate inventory: each filter (CN prefix as a range, status against
// `now`, dates, owner filters through the registry), both sort keys and keyset pages.
#include "storage/admin/inventory.hpp"

#include "query_plan.hpp"
#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace localca;
using namespace localca::storage;
using namespace localca::storage::admin;

namespace {

constexpr std::int64_t now = 1'800'000'000;
using serials = std::vector<std::int64_t>;

struct inventory_fixture : test::migrated_db {
    owner_registry owners;
    inventory_fixture() {
        add_certificate(1, std::string("pump-1"), now - 50, now + 300);
        add_certificate(2, std::string("pump-2"), now - 40, now + 100);
        add_certificate(3, std::string("meter"), now - 30, now - 1); // expired
        add_certificate(4, std::string("pumpkin"), now - 20, now + 200);
        add_certificate(5, std::nullopt, now - 10, now + 100);
        revoke_certificate(db, 4, now, 1);
        db.exec_script(
            "UPDATE certificates SET api = 'enos', authority = 'ECC' WHERE sn IN (2, 5)");
        owner_source s;
        s.api = "enos";
        s.fields = {"device"};
        s.lookup_sql = "SELECT 'dev-' || sn FROM certificates WHERE sn = ?";
        s.filters["device"] = "('dev-' || c.sn) = ?";
        owners.add(s);
    }
    serials list(certificate_query q) {
        q.now = now;
        serials out;
        for (const auto& r : list_certificates(db, owners, q)) {
            out.push_back(r.sn);
        }
        return out;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_inventory, inventory_fixture)

BOOST_AUTO_TEST_CASE(filters) {
    certificate_query q;
    BOOST_TEST(list(q) == (serials{1, 2, 3, 4, 5}), boost::test_tools::per_element());
    q.cn_prefix = "pump";
    BOOST_TEST(list(q) == (serials{1, 2, 4}), boost::test_tools::per_element());
    q.cn_prefix = "pump-";
    BOOST_TEST(list(q) == (serials{1, 2}), boost::test_tools::per_element());
    q = {};
    q.status = status_filter::valid;
    BOOST_TEST(list(q) == (serials{1, 2, 5}), boost::test_tools::per_element());
    q.status = status_filter::expired;
    BOOST_TEST(list(q) == (serials{3}), boost::test_tools::per_element());
    q.status = status_filter::revoked;
    BOOST_TEST(list(q) == (serials{4}), boost::test_tools::per_element());
    q = {};
    q.api = "enos";
    q.authority = "ECC";
    BOOST_TEST(list(q) == (serials{2, 5}), boost::test_tools::per_element());
    q = {};
    q.expires_before = now + 200; // strict bounds
    q.expires_after = now - 1;
    BOOST_TEST(list(q) == (serials{2, 5}), boost::test_tools::per_element());
    q = {};
    q.issued_after = now - 40;
    q.issued_before = now - 10;
    BOOST_TEST(list(q) == (serials{3, 4}), boost::test_tools::per_element());
    q = {};
    q.serial = 3;
    BOOST_TEST(list(q) == (serials{3}), boost::test_tools::per_element());
    q = {};
    q.owner_filters = {{"device", "dev-5"}};
    BOOST_TEST(list(q) == (serials{5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rows_carry_state_and_owner) {
    const auto revoked = find_inventory_row(db, owners, 4);
    BOOST_TEST_REQUIRE(revoked.has_value());
    BOOST_TEST(revoked->status == 1);
    BOOST_TEST((revoked->revoked_at == now));
    BOOST_TEST((revoked->reason == 1));
    BOOST_TEST(revoked->api == "pki");
    BOOST_TEST(!revoked->owner.has_value());
    const auto owned = find_inventory_row(db, owners, 2);
    BOOST_TEST_REQUIRE(owned->owner.has_value());
    BOOST_TEST((owned->owner->at(0).second == std::string("dev-2")));
    BOOST_TEST(!find_inventory_row(db, owners, 9).has_value());
}

BOOST_AUTO_TEST_CASE(keyset_pages_by_serial_and_by_expiry) {
    certificate_query q;
    q.limit = 2;
    q.descending = true;
    BOOST_TEST(list(q) == (serials{5, 4}), boost::test_tools::per_element());
    q.after = std::pair<std::int64_t, std::int64_t>{4, 4};
    BOOST_TEST(list(q) == (serials{3, 2}), boost::test_tools::per_element());

    // By notAfter, ties by serial: 3 (now-1), 2 and 5 (now+100), 4 (now+200), 1 (now+300).
    q = {};
    q.sort = sort_key::not_after;
    q.limit = 2;
    q.now = now;
    const auto first = list_certificates(db, owners, q);
    BOOST_TEST_REQUIRE(first.size() == 2u);
    BOOST_TEST(first[1].sn == 2);
    BOOST_TEST(first[1].key == now + 100);
    q.after = std::pair<std::int64_t, std::int64_t>{first[1].key, first[1].sn};
    BOOST_TEST(list(q) == (serials{5, 4}), boost::test_tools::per_element());
}

// api=X&sort=notAfter: a small api's rows are sorted, a large one's walked in (not_after, sn, api)
// order (schemas/016); the api's size comes from certificate_counts, so inflating it there takes
// the walk on these five rows. Both give the same pages.
BOOST_AUTO_TEST_CASE(one_api_by_expiry_sorted_or_walked) {
    add_certificate(6, std::string("late"), now - 5, now + 150); // 2 and 5 tie at now + 100
    db.exec_script("UPDATE certificates SET api = 'enos' WHERE sn = 6");
    for (const bool walked : {false, true}) {
        BOOST_TEST_CONTEXT("walked " << walked) {
            if (walked) {
                db.exec_script("UPDATE certificate_counts SET n = n + 100000 WHERE api = 'enos'");
            }
            certificate_query q;
            q.api = "enos";
            q.sort = sort_key::not_after;
            BOOST_TEST(list(q) == (serials{2, 5, 6}), boost::test_tools::per_element());
            q.limit = 1;
            serials paged;
            for (int i = 0; i < 4; ++i) {
                q.now = now;
                const auto page = list_certificates(db, owners, q);
                for (const auto& r : page) {
                    paged.push_back(r.sn);
                    q.after = std::pair<std::int64_t, std::int64_t>{r.key, r.sn};
                }
            }
            BOOST_TEST(paged == (serials{2, 5, 6}), boost::test_tools::per_element());
            q = {};
            q.api = "enos";
            q.sort = sort_key::not_after;
            q.descending = true;
            q.after = std::pair<std::int64_t, std::int64_t>{now + 150, 6};
            BOOST_TEST(list(q) == (serials{5, 2}), boost::test_tools::per_element());
        }
    }
}

// A filter served by two sources matches a certificate of either (an OR of their conditions).
BOOST_AUTO_TEST_CASE(a_filter_of_two_sources_matches_either) {
    owner_source other;
    other.api = "pki";
    other.fields = {"device"};
    other.lookup_sql = "SELECT 'pki-' || sn FROM certificates WHERE sn = ?";
    other.filters["device"] = "c.sn IN (SELECT sn FROM certificates WHERE 'pki-' || sn = ?)";
    owners.add(other);
    certificate_query q;
    q.owner_filters = {{"device", "dev-5"}};
    BOOST_TEST(list(q) == (serials{5}), boost::test_tools::per_element());
    q.owner_filters = {{"device", "pki-3"}};
    BOOST_TEST(list(q) == (serials{3}), boost::test_tools::per_element());
}

// status=revoked, alone and with each filter that has an index, in both orders: SQLite's plan
// reads one of schema 18's partial indexes over the revoked rows, in page order (no sort), and
// never walks live rows. Revocations are rare in a real store; before schema 18 a page of
// `status=revoked` walked the whole table in sn order (573 ms at 1,000,000 rows with 20 revoked)
// and `sort=-notAfter` walked certificates_not_after (4.1 s). No ANALYZE, as in the server: the
// planner decides without statistics.
BOOST_AUTO_TEST_CASE(revoked_pages_read_the_revoked_indexes) {
    for (std::int64_t sn = 10; sn < 400; ++sn) {
        add_certificate(sn, "bulk-" + std::to_string(sn), now - 1000 + sn, now + 1000 + sn);
    }
    revoke_certificate(db, 77, now, 1);
    // notAfter before 4's (now + 200): the notAfter order of the two differs from their sn order.
    db.exec_script("UPDATE certificates SET not_after = " + std::to_string(now + 150) +
                   " WHERE sn = 77");
    db.exec_script("UPDATE certificates SET api = 'enos' WHERE sn % 2 = 1");
    struct expected_plan {
        const char* name;
        certificate_query q;
        const char* index; // as EXPLAIN QUERY PLAN names it after "USING "
        serials result;
    };
    const auto revoked = [](sort_key sort, bool descending) {
        certificate_query q;
        q.status = status_filter::revoked;
        q.sort = sort;
        q.descending = descending;
        return q;
    };
    std::vector<expected_plan> cases;
    for (const bool desc : {false, true}) {
        cases.push_back({"status=revoked", revoked(sort_key::issued, desc),
                         "INDEX certificates_revoked_sn", desc ? serials{77, 4} : serials{4, 77}});
        cases.push_back({"status=revoked&sort=notAfter", revoked(sort_key::not_after, desc),
                         "INDEX certificates_revoked_not_after",
                         desc ? serials{4, 77} : serials{77, 4}});
        auto api = revoked(sort_key::issued, desc);
        api.api = "enos";
        cases.push_back({"api=enos&status=revoked", api, "INDEX certificates_revoked_api",
                         serials{77}});
        api.sort = sort_key::not_after;
        cases.push_back({"api=enos&status=revoked&sort=notAfter", api,
                         "INDEX certificates_revoked_not_after", serials{77}});
        auto authority = revoked(sort_key::issued, desc);
        authority.authority = "RSA";
        cases.push_back({"authority=RSA&status=revoked", authority,
                         "INDEX certificates_revoked_sn", desc ? serials{77, 4} : serials{4, 77}});
        authority.sort = sort_key::not_after;
        cases.push_back({"authority=RSA&status=revoked&sort=notAfter", authority,
                         "INDEX certificates_revoked_not_after",
                         desc ? serials{4, 77} : serials{77, 4}});
    }
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name << (c.q.descending ? " descending" : "")) {
            std::vector<std::string> statements;
            serials got;
            {
                test::statement_recorder recorder(db);
                got = list(c.q);
                statements = recorder.statements();
            }
            BOOST_TEST(got == c.result, boost::test_tools::per_element());
            const auto select = std::find_if(statements.begin(), statements.end(),
                [](const std::string& s) { return s.find("FROM certificates c") != s.npos; });
            BOOST_TEST_REQUIRE((select != statements.end()));
            const auto plan = test::query_plan(db, *select);
            BOOST_TEST(plan.find(std::string("USING ") + c.index) != std::string::npos,
                       *select << "\nplan:\n" << plan);
            BOOST_TEST(plan.find("TEMP B-TREE") == std::string::npos, plan);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
