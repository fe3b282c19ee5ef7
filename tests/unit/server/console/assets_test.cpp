// The embedded asset table: the committed bundle's files are all there, sorted, typed by
// extension, byte-identical to dist/ and found by name.
#include "server/console/assets.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace localca::server::console;

namespace {

std::filesystem::path dist_dir() {
    // LOCALCA_TEST_TOOLS_DIR is <repo>/tools: the bundle is beside it.
    return std::filesystem::path(LOCALCA_TEST_TOOLS_DIR).parent_path() / "server/console/web/dist";
}

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_console_assets)

BOOST_AUTO_TEST_CASE(every_file_of_dist_is_embedded_byte_for_byte) {
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dist_dir())) {
        ++files;
        const asset* a = find_asset(e.path().filename().string());
        BOOST_REQUIRE_MESSAGE(a, e.path().filename().string() << " is not embedded");
        BOOST_TEST(a->bytes == read(e.path()));
    }
    BOOST_TEST(assets().size() == files);
    BOOST_TEST(std::is_sorted(assets().begin(), assets().end(),
                              [](const asset& x, const asset& y) { return x.name < y.name; }));
}

BOOST_AUTO_TEST_CASE(types_follow_the_extension) {
    BOOST_TEST(find_asset("index.html")->content_type == "text/html; charset=utf-8");
    BOOST_TEST(find_asset("app.js")->content_type == "text/javascript; charset=utf-8");
    BOOST_TEST(find_asset("app.css")->content_type == "text/css; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(etags_are_quoted_and_differ_between_files) {
    const auto js = find_asset("app.js")->etag;
    BOOST_TEST(js.size() == 18u);
    BOOST_TEST(js.front() == '"');
    BOOST_TEST(js.back() == '"');
    BOOST_TEST(js != find_asset("app.css")->etag);
}

BOOST_AUTO_TEST_CASE(unknown_names_are_not_found) {
    BOOST_TEST(!find_asset("nope.js"));
    BOOST_TEST(!find_asset(""));
    BOOST_TEST(!find_asset("../index.html"));
}

BOOST_AUTO_TEST_SUITE_END()
