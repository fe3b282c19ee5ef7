// The admin-token check against a real store: no, malformed or unknown token is 401, a viewer
// token on an operator route is 403 naming the token, and each refusal is audited once.
#include "server/admin/auth.hpp"

#include "ca/admin/admin_token.hpp"
#include "ca/clock.hpp"
#include "storage/admin/token_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server;
using localca::ca::admin::role;

namespace {

struct auth_fixture : test::temp_store {
    std::string viewer = ca::admin::new_token();
    std::string operator_token = ca::admin::new_token();

    auth_fixture() {
        store.writer().run([&](storage::connection& db) {
            storage::admin::insert_token(db, {"ro", "viewer", ca::admin::token_digest(viewer), 1});
            storage::admin::insert_token(
                db, {"ops", "operator", ca::admin::token_digest(operator_token), 2});
        });
    }

    request_context bearing(const std::string& authorization) const {
        request_context ctx;
        ctx.req = request{http::verb::get, "/admin/v1/stats", 11};
        if (!authorization.empty()) {
            ctx.req.set(http::field::authorization, authorization);
        }
        ctx.remote_address = "192.0.2.7";
        return ctx;
    }

    std::int64_t denied(const std::string& actor) {
        storage::statement_handle q(
            store.reader(), "SELECT count(*) FROM audit WHERE action = 'auth' AND actor = ?");
        q->bind(1, actor);
        q->step();
        return q->get_int64(0);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(server_admin_auth, auth_fixture)

BOOST_AUTO_TEST_CASE(tokens_grant_their_role_and_lower_ones) {
    auto out = admin::check_token(bearing("Bearer " + operator_token), role::operator_role, store);
    BOOST_TEST_REQUIRE(out.who.has_value());
    BOOST_TEST(out.who->name == "ops");
    BOOST_TEST(out.who->actor() == "admin:ops");
    BOOST_TEST(admin::check_token(bearing("Bearer " + operator_token), role::viewer, store)
                   .who.has_value());
    out = admin::check_token(bearing("Bearer " + viewer), role::viewer, store);
    BOOST_TEST_REQUIRE(out.who.has_value());
    BOOST_TEST((out.who->granted == role::viewer));
}

BOOST_AUTO_TEST_CASE(refusals_are_401_or_403) {
    for (const std::string& bad :
         {std::string(), std::string("Bearer "), "Basic " + viewer, "bearer " + viewer,
          "Bearer " + viewer + "x", std::string("Bearer lcadm_00")}) {
        const auto out = admin::check_token(bearing(bad), role::viewer, store);
        BOOST_TEST(!out.who.has_value(), bad);
        BOOST_TEST((out.refusal == http::status::unauthorized), bad);
    }
    const auto low = admin::check_token(bearing("Bearer " + viewer), role::operator_role, store);
    BOOST_TEST(!low.who.has_value());
    BOOST_TEST((low.refusal == http::status::forbidden));
    BOOST_TEST(low.token_name == "ro");
}

BOOST_AUTO_TEST_CASE(authorize_answers_and_audits_each_refusal) {
    const auto clk = ca::real_time();
    std::optional<response> answer;
    const responder capture = [&](response r) { answer = std::move(r); };

    BOOST_TEST(admin::authorize(bearing("Bearer " + operator_token), role::operator_role, store,
                                *clk, capture)
                   .has_value());
    BOOST_TEST(!answer.has_value());

    BOOST_TEST(
        !admin::authorize(bearing("Bearer " + viewer), role::operator_role, store, *clk, capture)
             .has_value());
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(answer->result_int() == 403u);
    BOOST_TEST(boost::json::parse(answer->body()).as_object().contains("message"));

    answer.reset();
    BOOST_TEST(!admin::authorize(bearing(""), role::viewer, store, *clk, capture).has_value());
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(answer->result_int() == 401u);

    // Audited through the writer: wait for it by running a job after them.
    store.writer().run([](storage::connection&) {});
    BOOST_TEST(denied("admin:ro") == 1);
    BOOST_TEST(denied("admin-token") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
