// The one path of the unexpected (server/core/internal_error): what a handler or a completion
// throws is answered by the matched personality's internal_error(), once.
#include "server/core/internal_error.hpp"
#include "server/core/router.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <stdexcept>
#include <vector>

using namespace localca::server;

namespace {

// An API whose internal error is recognisable: 503 with its own body.
class test_api_internal_error final : public localca::server::personality {
public:
    const char* name() const override { return "test"; }
    void add_routes(router& r) override {
        r.add(http::verb::get, "/test/fails",
              [](auto, responder) { throw std::runtime_error("disk I/O error"); });
    }
    response internal_error(const request_context& ctx) const override {
        return json_response(ctx.req, http::status::service_unavailable, R"({"test":"internal"})");
    }
};

std::shared_ptr<request_context> context(const router& r, const std::string& path) {
    auto ctx = std::make_shared<request_context>();
    ctx->req.method(http::verb::get);
    ctx->req.target(path);
    ctx->path = path;
    ctx->request_id = "00000000-0000-4000-8000-000000000000";
    r.match(*ctx, nullptr);
    return ctx;
}

} // namespace

BOOST_AUTO_TEST_SUITE(internal_error)

BOOST_AUTO_TEST_CASE(a_throwing_handler_is_answered_in_its_apis_format) {
    test_api_internal_error api;
    router r;
    r.add_personality(api);
    r.add(http::verb::get, "/plain", [](auto, responder) { throw 42; });

    auto ctx = context(r, "/test/fails");
    BOOST_TEST(ctx->api == &api);
    std::vector<response> answers;
    const responder done = [&](response res) { answers.push_back(std::move(res)); };
    const handler* h = r.match(*ctx, nullptr);
    BOOST_REQUIRE(h);
    run_guarded(*ctx, done, [&] { (*h)(ctx, done); });
    BOOST_REQUIRE(answers.size() == 1u);
    BOOST_TEST(answers[0].result_int() == 503);
    BOOST_TEST(answers[0].body() == R"({"test":"internal"})");

    // A route added outside a personality answers like the transport.
    auto plain = context(r, "/plain");
    BOOST_TEST(plain->api == nullptr);
    answers.clear();
    run_guarded(*plain, done, [&] { (*r.match(*plain, nullptr))(plain, done); });
    BOOST_REQUIRE(answers.size() == 1u);
    BOOST_TEST(answers[0].result_int() == 500);
    BOOST_TEST(answers[0].body() == R"({"message":"An unexpected error occurred"})");
}

BOOST_AUTO_TEST_CASE(a_throwing_completion_takes_the_same_path) {
    test_api_internal_error api;
    router r;
    r.add_personality(api);
    auto ctx = context(r, "/test/fails");
    std::vector<response> answers;
    const responder done = [&](response res) { answers.push_back(std::move(res)); };

    // What an engine callback looks like: called later, on another thread, with a result.
    std::function<void(int)> completion = guarded(ctx, done, [&](int value) {
        if (value < 0) {
            throw std::runtime_error("cannot build the answer");
        }
        done(json_response(ctx->req, http::status::ok, std::to_string(value)));
    });
    completion(7);
    BOOST_REQUIRE(answers.size() == 1u);
    BOOST_TEST(answers[0].body() == "7");
    BOOST_CHECK_NO_THROW(completion(-1));
    BOOST_REQUIRE(answers.size() == 2u);
    BOOST_TEST(answers[1].result_int() == 503);

    // An errc::internal result a personality passes on renders the same.
    answer_internal_error(*ctx, done, "commit failed: disk I/O error");
    BOOST_REQUIRE(answers.size() == 3u);
    BOOST_TEST(answers[2].body() == R"({"test":"internal"})");
}

BOOST_AUTO_TEST_SUITE_END()
