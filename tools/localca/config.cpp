#include "tools/localca/config.hpp"

#include "ca/profile.hpp"
#include "server/core/log.hpp"
#include "tools/localca/json_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace localca::tools {

namespace {

void read_authority(const json_node& n, ca::authority_options& out) {
    n.require_object({"subject", "validityDays"});
    if (auto v = n.find("subject")) {
        out.subject = v->as_nonempty_string();
    }
    if (auto v = n.find("validityDays")) {
        out.validity_days = static_cast<int>(v->as_integer_in(1, 36500));
    }
}

void read_foundry(const json_node& n, server::foundry::options& out) {
    n.require_object({"region", "keyPoolSize", "subjectMode", "mosquitto"});
    if (auto v = n.find("region")) {
        out.region = v->as_string();
        if (!server::foundry::valid_region(out.region)) {
            v->fail("must be an AWS region name such as us-east-1");
        }
    }
    if (auto v = n.find("keyPoolSize")) {
        out.key_pool_size = static_cast<std::size_t>(v->as_integer_in(0, 1024));
    }
    if (auto v = n.find("subjectMode")) {
        if (!server::foundry::parse_subject_mode(v->as_string(), &out.subject)) {
            v->fail("must be one of uuid, aws");
        }
    }
    if (auto m = n.find("mosquitto")) {
        m->require_object({"aclFile", "crlFile", "reloadCommand"});
        if (auto v = m->find("aclFile")) {
            out.mosquitto.acl_file = v->as_string();
        }
        if (auto v = m->find("crlFile")) {
            out.mosquitto.crl_file = v->as_string();
        }
        if (auto v = m->find("reloadCommand")) {
            out.mosquitto.reload_command = v->as_string();
        }
    }
}

void read_tls(const json_node& n, config& c) {
    n.require_object(
        {"listen", "certFile", "keyFile", "auto", "validityDays", "renewBeforeSeconds"});
    if (auto v = n.find("listen")) {
        c.server.tls_listen = v->as_string();
    }
    if (auto v = n.find("certFile")) {
        c.tls.cert_file = v->as_string();
    }
    if (auto v = n.find("keyFile")) {
        c.tls.key_file = v->as_string();
    }
    if (auto v = n.find("auto")) {
        for (std::size_t i = 0; i < v->array_size(); ++i) {
            const auto name = (*v)[i];
            c.tls.auto_names.push_back(name.as_nonempty_string());
            if (!ca::valid_server_name(c.tls.auto_names.back())) {
                name.fail("must be an IP address or a DNS name");
            }
        }
    }
    if (auto v = n.find("validityDays")) {
        c.tls.validity_days = static_cast<int>(v->as_integer_in(1, 825));
    }
    if (auto v = n.find("renewBeforeSeconds")) {
        c.tls.renew_before = std::chrono::seconds(v->as_integer_in(0, 825LL * 86400));
    }
}

// "HOST:PORT" with a numeric port, or throws naming `key`.
void check_listen(const char* key, const std::string& value) {
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
        throw std::invalid_argument(std::string(key) + ": must be HOST:PORT, got '" + value + "'");
    }
    const auto port = value.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
        std::stoi(port) > 65535) {
        throw std::invalid_argument(std::string(key) +
                                    ": port must be a number from 0 to 65535, got '" + port + "'");
    }
}

void validate_tls(const server::options& server, const tls_config& tls) {
    const bool files = !tls.cert_file.empty() || !tls.key_file.empty();
    if (server.tls_listen.empty()) {
        if (files || tls.automatic()) {
            throw std::invalid_argument("tls.listen: must be set when tls.certFile, tls.keyFile "
                                        "or tls.auto is");
        }
        return;
    }
    check_listen("tls.listen", server.tls_listen);
    if (files && tls.automatic()) {
        throw std::invalid_argument("tls.auto: cannot be combined with tls.certFile/tls.keyFile "
                                    "(use one or the other)");
    }
    if (!files && !tls.automatic()) {
        throw std::invalid_argument("tls: set tls.certFile and tls.keyFile, or tls.auto");
    }
    if (files && tls.cert_file.empty()) {
        throw std::invalid_argument("tls.certFile: must be set together with tls.keyFile");
    }
    if (files && tls.key_file.empty()) {
        throw std::invalid_argument("tls.keyFile: must be set together with tls.certFile");
    }
    if (tls.renew_before >= std::chrono::seconds(tls.validity_days * 86400LL)) {
        throw std::invalid_argument("tls.renewBeforeSeconds: must be less than tls.validityDays "
                                    "x 86400 (" +
                                    std::to_string(tls.validity_days * 86400LL) + ")");
    }
}

} // namespace

static void read_ocsp(const json_node& o, config& c) {
    o.require_object({"maxRequests", "responseValiditySeconds", "responderValiditySeconds",
                      "cacheEntries", "urlTemplate", "caIssuersUrlTemplate"});
    if (auto v = o.find("maxRequests")) {
        c.ocsp.max_requests = static_cast<std::size_t>(v->as_integer_in(1, 100));
    }
    if (auto v = o.find("responseValiditySeconds")) {
        c.ocsp.response_validity = std::chrono::seconds(v->as_integer_in(60, 7LL * 86400));
    }
    if (auto v = o.find("responderValiditySeconds")) {
        c.ocsp.responder_validity = std::chrono::seconds(v->as_integer_in(3600, 366LL * 86400));
    }
    if (auto v = o.find("cacheEntries")) {
        c.ocsp.cache_entries = static_cast<std::size_t>(v->as_integer_in(1, 10000000));
    }
    if (auto v = o.find("urlTemplate")) {
        c.ca.ocsp_url_template = v->as_string();
        c.ocsp_url_template_set = true;
    }
    if (auto v = o.find("caIssuersUrlTemplate")) {
        c.ca.ca_issuers_url_template = v->as_string();
        c.ca_issuers_url_template_set = true;
    }
}

config load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read config file " + file.string());
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const auto doc = parse_json_text(ss.str(), file.string());
    const json_node root(doc, "");
    root.require_object({"listen", "ioThreads", "workerThreads", "logLevel", "publicBaseUrl",
                         "limits", "ca", "storage", "pki", "enos", "foundry", "tls", "ocsp", "aia",
                         "lab", "metrics"});
    config c;
    if (auto v = root.find("listen")) {
        c.server.listen = v->as_string(); // "" = HTTPS only (checked in validate())
    }
    if (auto v = root.find("ioThreads")) {
        c.server.io_threads = static_cast<unsigned>(v->as_integer_in(1, 64));
    }
    if (auto v = root.find("workerThreads")) {
        c.server.worker_threads = static_cast<unsigned>(v->as_integer_in(0, 256));
    }
    if (auto v = root.find("logLevel")) {
        c.log_level = v->as_string();
        server::log::level l;
        if (!server::log::parse_level(c.log_level, &l)) {
            v->fail("must be one of debug, info, warn, error");
        }
    }
    if (auto v = root.find("publicBaseUrl")) {
        c.ca.public_base_url = v->as_string();
        c.public_base_url_set = !c.ca.public_base_url.empty();
    }
    if (auto lim = root.find("limits")) {
        lim->require_object({"bodyBytes", "headerBytes", "readTimeoutSeconds",
                             "headerTimeoutSeconds", "maxConnections"});
        if (auto v = lim->find("bodyBytes")) {
            c.server.limit.body_bytes = static_cast<std::size_t>(v->as_integer_in(1, 1LL << 30));
        }
        if (auto v = lim->find("headerBytes")) {
            c.server.limit.header_bytes =
                static_cast<std::size_t>(v->as_integer_in(1024, 1LL << 20));
        }
        if (auto v = lim->find("readTimeoutSeconds")) {
            c.server.limit.read_timeout = std::chrono::seconds(v->as_integer_in(1, 3600));
        }
        if (auto v = lim->find("headerTimeoutSeconds")) {
            c.server.limit.header_timeout = std::chrono::seconds(v->as_integer_in(1, 3600));
        }
        if (auto v = lim->find("maxConnections")) {
            c.server.limit.max_connections = static_cast<std::size_t>(v->as_integer_in(1, 1000000));
        }
    }
    if (auto cav = root.find("ca")) {
        cav->require_object({"rsa", "ecc", "crlNextUpdateSeconds", "crlUrlTemplate"});
        if (auto v = cav->find("rsa")) {
            read_authority(*v, c.ca.rsa);
        }
        if (auto v = cav->find("ecc")) {
            read_authority(*v, c.ca.ecc);
        }
        if (auto v = cav->find("crlNextUpdateSeconds")) {
            c.ca.crl_next_update = std::chrono::seconds(v->as_integer_in(60, 366LL * 86400));
        }
        if (auto v = cav->find("crlUrlTemplate")) {
            c.ca.crl_url_template = v->as_string();
            try {
                ca::expand_url_template(c.ca.crl_url_template, "http://h", ca::authority_kind::rsa);
            } catch (const std::invalid_argument& e) {
                v->fail(e.what());
            }
        }
    }
    if (auto st = root.find("storage")) {
        st->require_object({"backend", "postgres", "durable", "groupCommit", "maxBatch",
                            "mmapBytes", "writerCacheBytes"});
        if (auto v = st->find("backend")) {
            const auto name = v->as_string();
            if (name == "sqlite") {
                c.storage.backend = storage::backend::sqlite;
            } else if (name == "postgres") {
                c.storage.backend = storage::backend::postgres;
            } else {
                v->fail("must be \"sqlite\" or \"postgres\"");
            }
        }
        if (auto pg = st->find("postgres")) {
            pg->require_object({"url", "poolSize", "statementTimeoutMs"});
            if (auto v = pg->find("url")) {
                c.storage.postgres.url = v->as_string();
            }
            if (auto v = pg->find("poolSize")) {
                c.storage.postgres.pool_size = static_cast<std::size_t>(v->as_integer_in(1, 1024));
            }
            if (auto v = pg->find("statementTimeoutMs")) {
                c.storage.postgres.statement_timeout =
                    std::chrono::milliseconds(v->as_integer_in(1, 3'600'000));
            }
        }
        if (auto v = st->find("durable")) {
            c.storage.durable = v->as_bool();
        }
        if (auto v = st->find("groupCommit")) {
            c.storage.group_commit = v->as_bool();
        }
        if (auto v = st->find("maxBatch")) {
            c.storage.max_batch = static_cast<std::size_t>(v->as_integer_in(1, 100000));
        }
        if (auto v = st->find("mmapBytes")) {
            c.storage.mmap_bytes = v->as_integer_in(0, std::int64_t(1) << 40);
        }
        if (auto v = st->find("writerCacheBytes")) {
            c.storage.writer_cache_bytes = v->as_integer_in(1024, std::int64_t(1) << 40);
        }
    }
    if (auto p = root.find("pki")) {
        p->require_object({"token"});
        if (auto v = p->find("token")) {
            c.pki.token = v->as_string();
        }
    }
    if (auto e = root.find("enos")) {
        e->require_object({"auth", "tokenTtlSeconds", "rateLimit"});
        if (auto v = e->find("auth")) {
            if (!server::enos::parse_auth_mode(v->as_string(), &c.enos.auth)) {
                v->fail("must be one of strict, token, off, unverified-token");
            }
        }
        if (auto v = e->find("tokenTtlSeconds")) {
            c.enos.token_ttl = std::chrono::seconds(v->as_integer_in(60, 30LL * 86400));
        }
        if (auto r = e->find("rateLimit")) {
            r->require_object({"perSecond", "burst"});
            if (auto v = r->find("perSecond")) {
                c.enos.rate_per_second = static_cast<double>(v->as_integer_in(0, 1000000));
            }
            if (auto v = r->find("burst")) {
                c.enos.rate_burst = static_cast<double>(v->as_integer_in(0, 1000000));
            }
        }
    }
    if (auto f = root.find("foundry")) {
        read_foundry(*f, c.foundry);
    }
    if (auto t = root.find("tls")) {
        read_tls(*t, c);
    }
    if (auto o = root.find("ocsp")) {
        read_ocsp(*o, c);
    }
    if (auto a = root.find("aia")) {
        a->require_object({"pki", "enos", "foundry", "emca"});
        for (const char* api : {"pki", "enos", "foundry", "emca"}) {
            if (auto v = a->find(api)) {
                c.ca.authority_info_access[api] = v->as_bool();
            }
        }
    }
    if (auto l = root.find("lab")) {
        l->require_object({"enabled", "token"});
        if (auto v = l->find("enabled")) {
            c.lab.enabled = v->as_bool();
        }
        if (l->find("token")) {
            // The lab API takes operator admin tokens now; a leftover token must not look
            // like it still guards anything.
            throw std::invalid_argument(
                "lab.token: no longer used; the lab API needs an operator admin token "
                "(`localca admin token create --name NAME --role operator`). Remove lab.token.");
        }
    }
    if (auto m = root.find("metrics")) {
        m->require_object({"public"});
        if (auto v = m->find("public")) {
            c.metrics.public_access = v->as_bool();
        }
    }
    return c;
}

void config::validate() {
    if (server.listen.empty()) {
        if (server.tls_listen.empty()) {
            throw std::invalid_argument("listen: must be HOST:PORT (\"\" turns plain HTTP off, "
                                        "and only when tls.listen is set)");
        }
    } else {
        check_listen("listen", server.listen);
    }
    validate_tls(server, tls);
    server::log::level l;
    if (!server::log::parse_level(log_level, &l)) {
        throw std::invalid_argument("logLevel: must be one of debug, info, warn, error");
    }
    if (!public_base_url_set) {
        // URLs go into certificates (CRL DP) and answers (certChainURL): with an HTTPS listener
        // they name it, so a client that reached us over TLS never has to fall back to plain HTTP.
        ca.public_base_url =
            server.tls_listen.empty() ? "http://" + server.listen : "https://" + server.tls_listen;
    }
    if (ca.public_base_url.rfind("http://", 0) != 0 &&
        ca.public_base_url.rfind("https://", 0) != 0) {
        throw std::invalid_argument("publicBaseUrl: must start with http:// or https://");
    }
    while (!ca.public_base_url.empty() && ca.public_base_url.back() == '/') {
        ca.public_base_url.pop_back();
    }
    enos.public_base_url = ca.public_base_url;
    // The AIA URLs name routes of server/pki/ocsp_routes; the core only expands "{authority}".
    if (!ocsp_url_template_set) {
        ca.ocsp_url_template = ca.public_base_url + "/ocsp";
    }
    if (!ca_issuers_url_template_set) {
        ca.ca_issuers_url_template = ca.public_base_url + "/pki/issuer/{authority}";
    }
    if (ocsp.responder_validity <= ocsp.response_validity * 2) {
        throw std::invalid_argument("ocsp.responderValiditySeconds: must be more than twice "
                                    "ocsp.responseValiditySeconds");
    }
    // The broker's CRL file must be re-signed well before its nextUpdate: check four times per
    // CRL lifetime, and at least hourly so that revocations made elsewhere reach the broker.
    foundry.refresh_interval = std::min(std::chrono::seconds(3600),
                                        std::max(std::chrono::seconds(1), ca.crl_next_update / 4));
    if (ca.rsa.subject.empty() || ca.ecc.subject.empty()) {
        throw std::invalid_argument("ca.rsa.subject / ca.ecc.subject: must not be empty");
    }
}

} // namespace localca::tools
