// `localca lab faults add|list|clear`: fault rules live in the running server's memory
// (server/lab/faults.hpp), so, unlike `lab clock` (which writes the data dir the server polls),
// these are HTTP calls to /lab/v1/faults with an operator admin token.
#include "tools/localca/cli.hpp"
#include "tools/localca/lab.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace localca::tools {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr const char* k_lab_faults_usage =
    "usage: localca lab faults add --rule JSON | list | clear [--server HOST:PORT] [--token T]";

http::response<http::string_body> call(const std::string& server, http::verb method,
                                       const std::string& target, const std::string& token,
                                       const std::string& body) {
    const auto colon = server.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw std::invalid_argument("--server: must be HOST:PORT, got '" + server + "'");
    }
    std::string host = server.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    net::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, server.substr(colon + 1)));
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, server);
    req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return res;
}

} // namespace

lab_answer call_lab_api(const arguments& args, const std::string& method, const std::string& target,
                        const std::string& body) {
    const auto* server_arg = args.get("--server");
    const std::string server = server_arg ? *server_arg : "127.0.0.1:8080";
    std::string token;
    if (const auto* t = args.get("--token")) {
        token = *t;
    } else if (const char* env = std::getenv("LOCALCA_ADMIN_TOKEN")) {
        token = env;
    }
    if (token.empty()) {
        throw std::invalid_argument("an operator admin token is required: --token T or "
                                    "LOCALCA_ADMIN_TOKEN (`localca admin token create --name N "
                                    "--role operator --data-dir DIR`)");
    }
    const auto res = call(server, http::string_to_verb(method), target, token, body);
    return {res.result_int(), res.body(), server};
}

int cmd_lab_faults(const arguments& args) {
    const auto& pos = args.positional;
    if (pos.size() != 2) {
        throw std::invalid_argument(k_lab_faults_usage);
    }
    const auto& verb = pos[1];
    lab_answer res;
    if (verb == "add") {
        const auto* rule = args.get("--rule");
        if (!rule) {
            throw std::invalid_argument("faults add: --rule JSON is required");
        }
        res = call_lab_api(args, "POST", "/lab/v1/faults", *rule);
    } else if (verb == "list") {
        res = call_lab_api(args, "GET", "/lab/v1/faults", "");
    } else if (verb == "clear") {
        res = call_lab_api(args, "DELETE", "/lab/v1/faults", "");
    } else {
        throw std::invalid_argument(k_lab_faults_usage);
    }
    return print_lab_answer(res, "faults " + verb);
}

int print_lab_answer(const lab_answer& res, const std::string& what) {
    if (res.status == 404 && res.body.find("no snapshot") == std::string::npos) {
        std::cerr << "localca lab: lab mode is off on the server at " << res.server
                  << " (/lab/v1 answers 404); it is turned on by \"lab\": {\"enabled\": true} "
                     "in the server's config. See docs/lab.md.\n";
        return 1;
    }
    if (res.status >= 300) {
        std::cerr << "localca lab " << what << ": " << res.status << " " << res.body << "\n";
        return 1;
    }
    std::cout << res.body << "\n";
    return 0;
}

} // namespace localca::tools
