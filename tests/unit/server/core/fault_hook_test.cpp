// The transport's fault seam (server/core/fault_hook): a request matched by the router carries
// its slot; intercept_fault() asks the lab's injector (the real rule store, server/lab/faults)
// and answers the call, holds it back or lets it go, and counts what fired for /metrics.
#include "server/core/fault_hook.hpp"
#include "server/core/router.hpp"
#include "server/lab/faults.hpp"

#include "storage_fixture.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

using namespace localca;
using namespace localca::server;

namespace {

// An API named like one with hooks, whose internal error is recognisable: 503, its own body.
class test_api final : public server::personality {
public:
    const char* name() const override { return "enos"; }
    void add_routes(router& r) override {
        r.add(http::verb::post, "/apply", [](auto, responder) {});
    }
    response internal_error(const request_context& ctx) const override {
        return json_response(ctx.req, http::status::service_unavailable, R"({"test":"internal"})");
    }
};

struct hook_fixture : test::temp_store {
    test_api api;
    router routes;
    localca::server::lab::fault_store faults{
        store, std::make_shared<ca::settable_clock>(
                   ca::clock::time_point(std::chrono::seconds(1'800'000'000)))};
    std::vector<response> answers;
    responder done = [this](response res) { answers.push_back(std::move(res)); };
    // Renders a vendorError's fields as they came, under 400.
    vendor_error_renderer render = [](const request_context& ctx, const std::string& fields) {
        return json_response(ctx.req, http::status::bad_request, fields);
    };

    hook_fixture() { routes.add_personality(api); }

    std::shared_ptr<request_context> matched() {
        auto ctx = std::make_shared<request_context>();
        ctx->req.method(http::verb::post);
        ctx->req.target("/apply");
        ctx->path = "/apply";
        ctx->request_id = "00000000-0000-4000-8000-000000000000";
        ctx->remote_address = "192.0.2.7";
        BOOST_REQUIRE(routes.match(*ctx, nullptr));
        return ctx;
    }

    void add_rule(const std::string& effect) {
        const auto parsed = localca::server::lab::parse_fault_rule(boost::json::parse(
            R"({"api":"enos","operation":"apply","times":1,"effect":)" + effect + "}"));
        BOOST_REQUIRE_MESSAGE(parsed.rule, parsed.error);
        faults.add(*parsed.rule);
        routes.set_fault_injector(&faults);
    }

    std::uint64_t metric(const std::string& effect) const {
        const auto all = routes.metrics().faults();
        const auto it = all.find({"enos", "apply", effect});
        return it == all.end() ? 0 : it->second;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(server_core_fault_hook, hook_fixture)

BOOST_AUTO_TEST_CASE(effect_kinds_are_named_as_in_the_rules) {
    using k = fault_effect::kind;
    BOOST_TEST(std::string(to_string(k::vendor_error)) == "vendorError");
    BOOST_TEST(std::string(to_string(k::http_status)) == "httpStatus");
    BOOST_TEST(std::string(to_string(k::delay)) == "delayMs");
    BOOST_TEST(std::string(to_string(k::reset)) == "reset");
    BOOST_TEST(std::string(to_string(k::truncate)) == "truncate");
}

BOOST_AUTO_TEST_CASE(no_injector_or_no_api_lets_the_call_go_on) {
    auto ctx = matched();
    BOOST_TEST(!intercept_fault(*ctx, "apply", {}, done, render)); // no injector installed
    add_rule(R"({"httpStatus":502})");
    request_context unrouted; // not matched: no slot, no API
    BOOST_TEST(!intercept_fault(unrouted, "apply", {}, done, render));
    ctx->api = nullptr; // a route added outside a personality
    BOOST_TEST(!intercept_fault(*ctx, "apply", {}, done, render));
    BOOST_TEST(answers.empty());
    BOOST_TEST(faults.list().at(0).fired == 0);
}

BOOST_AUTO_TEST_CASE(a_call_no_rule_matches_goes_on) {
    add_rule(R"({"httpStatus":502})");
    auto ctx = matched();
    BOOST_TEST(!intercept_fault(*ctx, "renew", {}, done, render));
    BOOST_TEST(answers.empty());
    BOOST_TEST(routes.metrics().faults().empty());
}

BOOST_AUTO_TEST_CASE(http_status_answers_the_apis_error_under_the_rules_status) {
    add_rule(R"({"httpStatus":502})");
    auto ctx = matched();
    BOOST_TEST(intercept_fault(*ctx, "apply", {}, done, render));
    BOOST_REQUIRE(answers.size() == 1u);
    BOOST_TEST(answers[0].result_int() == 502);
    BOOST_TEST(answers[0].body() == R"({"test":"internal"})");
    BOOST_TEST((ctx->transport == request_context::transport_fault::none));
    BOOST_TEST(metric("httpStatus") == 1u);
    // times 1: the next call goes on.
    BOOST_TEST(!intercept_fault(*matched(), "apply", {}, done, render));
    BOOST_TEST(metric("httpStatus") == 1u);
}

BOOST_AUTO_TEST_CASE(vendor_error_is_rendered_by_the_personality) {
    add_rule(R"({"vendorError":{"code":99501,"msg":"busy"}})");
    auto ctx = matched();
    BOOST_TEST(intercept_fault(*ctx, "apply", {}, done, render));
    BOOST_REQUIRE(answers.size() == 1u);
    BOOST_TEST(answers[0].result_int() == 400);
    const auto body = boost::json::parse(answers[0].body());
    BOOST_TEST(body.at("code").as_int64() == 99501);
    BOOST_TEST(body.at("msg").as_string() == "busy");
    BOOST_TEST(metric("vendorError") == 1u);
}

BOOST_AUTO_TEST_CASE(delay_lets_the_call_go_on_with_its_answer_held_back) {
    add_rule(R"({"delayMs":1500})");
    auto ctx = matched();
    BOOST_TEST(!intercept_fault(*ctx, "apply", {}, done, render));
    BOOST_TEST(answers.empty());
    BOOST_TEST(ctx->answer_delay.count() == 1500);
    BOOST_TEST(metric("delayMs") == 1u);
}

BOOST_AUTO_TEST_CASE(reset_and_truncate_answer_an_error_the_session_then_cuts) {
    add_rule(R"({"reset":true})");
    add_rule(R"({"truncate":true})");
    auto first = matched();
    BOOST_TEST(intercept_fault(*first, "apply", {}, done, render));
    BOOST_TEST((first->transport == request_context::transport_fault::reset));
    auto second = matched();
    BOOST_TEST(intercept_fault(*second, "apply", {}, done, render));
    BOOST_TEST((second->transport == request_context::transport_fault::truncate));
    BOOST_REQUIRE(answers.size() == 2u);
    for (const auto& a : answers) {
        BOOST_TEST(a.result_int() == 503);
        BOOST_TEST(a.body() == R"({"test":"internal"})");
    }
    BOOST_TEST(metric("reset") == 1u);
    BOOST_TEST(metric("truncate") == 1u);
}

BOOST_AUTO_TEST_CASE(removing_the_injector_stops_the_faults) {
    add_rule(R"({"httpStatus":500})");
    routes.set_fault_injector(nullptr);
    BOOST_TEST(!intercept_fault(*matched(), "apply", {}, done, render));
    BOOST_TEST(faults.list().at(0).fired == 0);
}

BOOST_AUTO_TEST_SUITE_END()
