#include "tools/bench/cfssl_target.hpp"

#include <boost/json.hpp>

#include <fstream>

namespace localca::bench {

namespace json = boost::json;

cfssl_target::cfssl_target(const options& opts, const std::vector<csr_item>& csrs)
    : m_csrs(csrs) {
    const auto dir = opts.work_dir / "cfssl";
    std::filesystem::create_directories(dir);
    const auto key = (dir / "ca-key.pem").string();
    const auto cert = (dir / "ca.pem").string();
    // The CA is made with the openssl CLI: a key type like LocalCA's authority.
    if (opts.authority == "RSA") {
        must_run("openssl genrsa -traditional -out " + key + " 2048 2>/dev/null");
    } else {
        must_run("openssl ecparam -name prime256v1 -genkey -noout -out " + key);
    }
    must_run("openssl req -x509 -new -key " + key + " -out " + cert +
             " -days 3650 -sha256 -subj '/CN=cfssl bench CA/O=bench'"
             " -addext basicConstraints=critical,CA:TRUE"
             " -addext keyUsage=critical,keyCertSign,cRLSign");
    std::ofstream(dir / "config.json")
        << R"({"signing":{"default":{"expiry":"8760h","usages":["digital signature","client auth"]}}})";
    m_port = free_port();
    m_server = std::make_unique<child>(
        std::vector<std::string>{opts.cfssl_bin, "serve", "-address", "127.0.0.1", "-port",
                                 std::to_string(m_port), "-ca", cert, "-ca-key", key, "-config",
                                 (dir / "config.json").string(), "-loglevel", "4"},
        dir / "cfssl.log");
    wait_until_listening(m_port, "/api/v1/cfssl/info", 30);
    for (const auto& c : csrs) {
        m_bodies.push_back(json::serialize(json::object{{"certificate_request", c.pem}}));
    }
}

target::request cfssl_target::make_request(std::size_t i) {
    return request{"/api/v1/cfssl/sign", {{"Content-Type", "application/json"}}, m_bodies[i]};
}

std::string cfssl_target::check(std::size_t, const http_result& r) {
    if (r.status != 200) {
        return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
    }
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("success") ||
        !v.as_object().at("success").as_bool()) {
        return "cfssl refused: " + r.body.substr(0, 200);
    }
    return {};
}

} // namespace localca::bench
