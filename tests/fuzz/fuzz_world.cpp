#include "fuzz_world.hpp"

#include "fuzz_support.hpp"

#include "ca/engine.hpp"
#include "ca/enos/registry.hpp"
#include "ca/foundry/account_registry.hpp"
#include "ca/foundry/key_pool.hpp"
#include "server/core/log.hpp"
#include "server/core/url.hpp"
#include "server/emca/personality.hpp"
#include "server/enos/personality.hpp"
#include "server/foundry/personality.hpp"
#include "server/pki/personality.hpp"
#include "storage/store.hpp"
#include "tools/localca/config.hpp"
#include "tools/localca/seed.hpp"

#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <botan/data_src.h>
#include <botan/x509cert.h>

#include <atomic>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <stdexcept>

namespace localca::fuzz {

namespace http = server::http;
namespace json = boost::json;

namespace {

std::filesystem::path make_temp_dir() {
    std::random_device rd;
    const auto base = std::filesystem::temp_directory_path();
    for (int i = 0; i < 100; ++i) {
        auto p = base / ("localca-fuzz-" + std::to_string(rd()));
        if (std::filesystem::create_directory(p)) {
            return p;
        }
    }
    throw std::runtime_error("cannot create a temp dir");
}

void replace_all(std::string& s, std::string_view from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
        s.replace(pos, from.size(), to);
    }
}

server::response plain(const server::request& req, http::status status) {
    return server::json_response(req, status, R"({"message":"fuzz"})");
}

} // namespace

std::string read_fuzz_file(const std::string& relative) {
    const auto path = std::filesystem::path(LOCALCA_FUZZ_SOURCE_DIR) / relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::unique_ptr<Botan::Public_Key> certificate_key(const std::string& relative) {
    Botan::DataSource_Memory pem(read_fuzz_file(relative));
    return std::unique_ptr<Botan::Public_Key>(Botan::X509_Certificate(pem).subject_public_key());
}

std::vector<std::uint8_t> emca_aes_key() {
    std::vector<std::uint8_t> key(32);
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<std::uint8_t>(i);
    }
    return key;
}

struct world::impl {
    std::filesystem::path dir;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> engine;
    std::unique_ptr<ca::enos::registry> registry;
    std::unique_ptr<ca::foundry::account_registry> accounts;
    ca::foundry::key_pool foundry_keys{
        0}; // no background thread: each generate makes its key inline
    std::unique_ptr<server::pki::personality> pki;
    std::unique_ptr<server::enos::personality> enos;
    std::unique_ptr<server::emca::personality> emca;
    std::unique_ptr<server::foundry::personality> foundry;
    server::router routes;
    std::string cert_id;
    std::string arn;
};

world::world(server::enos::auth_mode enos_auth) : m_impl(std::make_unique<impl>()) {
    auto& w = *m_impl;
    // Handlers log refusals at info; millions of inputs would bury a finding's report.
    server::log::set_level(server::log::level::error);
    w.dir = make_temp_dir();
    storage::options so;
    so.path = w.dir / "localca.db";
    so.durable = false; // nothing here needs to survive a power cut
    w.store = std::make_unique<storage::store>(so);
    ca::options co = tools::default_ca_options(); // as the server: CRL URLs in certificates
    ca::engine::initialize(w.dir, *w.store, co);
    w.engine = std::make_unique<ca::engine>(w.dir, *w.store, co);
    auto seed = read_fuzz_file("keys/world.seed.json");
    replace_all(seed, "@SIGNER_CERT@",
                json::serialize(json::value(read_fuzz_file("keys/signer-ecc.crt.pem"))));
    tools::apply_seed(*w.store, tools::parse_seed(seed), w.engine->secrets(), *ca::real_time());

    w.registry = std::make_unique<ca::enos::registry>(*w.store, w.engine->secrets());
    w.accounts = std::make_unique<ca::foundry::account_registry>(*w.store);
    w.pki =
        std::make_unique<server::pki::personality>(*w.engine, server::pki::options{k_pki_token});
    server::enos::options eo;
    eo.auth = enos_auth;
    eo.token_key.assign(32, 0x5a);
    eo.public_base_url = co.public_base_url;
    w.enos = std::make_unique<server::enos::personality>(*w.engine, *w.registry, eo);
    w.emca = std::make_unique<server::emca::personality>(*w.engine);
    server::foundry::options fo;
    fo.key_pool_size = 0;
    w.foundry =
        std::make_unique<server::foundry::personality>(*w.engine, *w.accounts, w.foundry_keys, fo);
    w.routes.add_personality(*w.pki);
    w.routes.add_personality(*w.enos);
    w.routes.add_personality(*w.emca);
    w.routes.add_personality(*w.foundry);

    // One INACTIVE Foundry certificate for provision/revoke inputs to name (see substitute()).
    server::request gen{http::verb::get, "/foundry/certificates/generate", 11};
    gen.set(http::field::authorization, std::string("Bearer ") + k_foundry_token);
    const auto res = dispatch(std::move(gen));
    const auto body = json::parse(res.body()).as_object();
    w.cert_id = std::string(body.at("id").as_string());
    w.arn = std::string(body.at("arn").as_string());
}

world::~world() {
    auto& w = *m_impl;
    w.foundry.reset();
    w.emca.reset();
    w.enos.reset();
    w.pki.reset();
    w.engine.reset();
    w.store.reset();
    std::error_code ec;
    std::filesystem::remove_all(w.dir, ec);
}

std::string world::substitute(std::string_view text) const {
    std::string s(text);
    replace_all(s, "@CERT_ID@", m_impl->cert_id);
    replace_all(s, "@ARN@", m_impl->arn);
    return s;
}

server::response world::dispatch(server::request req, const std::string& remote_address) {
    auto ctx = std::make_shared<server::request_context>();
    ctx->req = std::move(req);
    ctx->request_id = "00000000-0000-4000-8000-000000000000";
    ctx->remote_address = remote_address;
    ctx->received = std::chrono::steady_clock::now();
    if (!server::parse_target(ctx->req.target(), ctx->path, ctx->query)) {
        return plain(ctx->req, http::status::bad_request);
    }
    http::status status = http::status::not_found;
    const server::handler* h = m_impl->routes.match(*ctx, &status);
    if (!h) {
        return plain(ctx->req, status);
    }
    // The session's contract: exactly one answer, from any thread; a dropped responder is a 500.
    struct slot {
        std::promise<server::response> answer;
        std::atomic<bool> answered{false};
        server::request req;
        ~slot() {
            if (!answered.exchange(true)) {
                answer.set_value(plain(req, http::status::internal_server_error));
            }
        }
    };
    auto s = std::make_shared<slot>();
    s->req = ctx->req;
    auto future = s->answer.get_future();
    server::responder respond = [s](server::response res) {
        if (s->answered.exchange(true)) {
            violated("a handler answered twice");
        }
        s->answer.set_value(std::move(res));
    };
    try {
        (*h)(ctx, respond);
    } catch (const std::exception&) {
        // The session answers 500 and logs; handlers may throw for the unexpected.
        respond(plain(ctx->req, http::status::internal_server_error));
    }
    respond = nullptr;
    s.reset();
    auto res = future.get();
    if (http::to_status_class(res.result()) == http::status_class::unknown) {
        violated("a handler answered status " + std::to_string(res.result_int()));
    }
    if (res[http::field::content_type].starts_with("application/json")) {
        boost::system::error_code ec;
        json::parse(res.body(), ec);
        if (ec) {
            violated("a JSON answer is not JSON: " + res.body().substr(0, 200));
        }
    }
    res.prepare_payload();
    return res;
}

std::string serialize(server::response& res) {
    std::ostringstream out;
    out << res;
    return out.str();
}

} // namespace localca::fuzz
