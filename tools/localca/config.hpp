#pragma once
// The localca configuration: JSON file -> typed structs with documented defaults -> validate()
// -> command-line overrides. Unknown keys and bad values are errors that name the key.
//
// File format (every key optional; defaults shown):
//   {
//     "listen": "127.0.0.1:8080",         // "" = no plain HTTP (only with tls.listen set)
//     "ioThreads": 1,
//     "workerThreads": 0,                  // 0 = one per core
//     "logLevel": "info",                  // debug | info | warn | error
//     "publicBaseUrl": "",                 // "" = "https://" + tls.listen, else "http://" + listen
//     "limits": {"bodyBytes": 1048576, "headerBytes": 16384,
//                "readTimeoutSeconds": 30, "headerTimeoutSeconds": 10,
//                "maxConnections": 1024},
//     "ca": {"rsa": {"subject": "CN=LocalCA RSA Root CA,O=LocalCA", "validityDays": 3650},
//            "ecc": {"subject": "CN=LocalCA ECC Root CA,O=LocalCA", "validityDays": 3650},
//            "crlNextUpdateSeconds": 604800,
//            // CRL distribution point of issued certificates; {base} = publicBaseUrl,
//            // {authority} = RSA | ECC; "" = none
//            "crlUrlTemplate": "{base}/enos/CA/crl/{authority}"},
//     "storage": {"backend": "sqlite",      // sqlite (DIR/localca.db) | postgres
//     (docs/scale-out.md)
//                 "postgres": {"url": "",    // libpq URI; password also from PGPASSWORD/.pgpass
//                              "poolSize": 8, "statementTimeoutMs": 5000},
//                 "durable": true, "groupCommit": true, "maxBatch": 256,
//                 "mmapBytes": 0,            // bytes read through a memory map; 0 = plain reads
//                 "writerCacheBytes": 33554432},  // the writer connection's page cache
//     "pki": {"token": ""},                // "" = the /pki/v1 issuance API is off
//     "enos": {"auth": "strict",           // strict | token | off (see docs/enos.md)
//              "tokenTtlSeconds": 7200,
//              "rateLimit": {"perSecond": 0, "burst": 0}},  // 0 = off; burst 0 = perSecond
//     "foundry": {"region": "us-east-1", "keyPoolSize": 8,
//                 "subjectMode": "uuid",   // uuid | aws (see docs/foundry.md)
//                 "mosquitto": {"aclFile": "", "crlFile": "", "reloadCommand": ""}},
//     "tls": {"listen": "",                // HTTPS HOST:PORT; "" = no HTTPS listener
//             "certFile": "", "keyFile": "", // PEM chain (leaf first) and key, or:
//             "auto": [],                  // names: LocalCA issues its own certificate
//             "validityDays": 30,          // auto: lifetime of each certificate
//             "renewBeforeSeconds": 0},    // auto: 0 = when two thirds of it have passed
//     "ocsp": {"maxRequests": 8,           // CertIDs per request (see docs/ocsp.md)
//              "responseValiditySeconds": 3600, "responderValiditySeconds": 604800,
//              "cacheEntries": 100000,
//              "urlTemplate": "",          // "" = <publicBaseUrl>/ocsp
//              "caIssuersUrlTemplate": ""},// "" = <publicBaseUrl>/pki/issuer/{authority}
//     "aia": {"pki": true, "enos": true, "foundry": true, "emca": true}  // AIA per API

//     "lab": {"enabled": false},           // lab mode: /lab/v1 (operator admin token),
//                                          // `localca lab` (docs/lab.md)
//     "metrics": {"public": false}         // true: GET /metrics needs no admin token
//   }
#include "ca/ocsp_responder.hpp"
#include "ca/options.hpp"
#include "server/core/options.hpp"
#include "server/enos/options.hpp"
#include "server/foundry/options.hpp"
#include "server/pki/paths.hpp"
#include "storage/options.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace localca::tools {

struct pki_options {
    // Bearer token of the plain /pki/v1 issuance API. Empty (default): the API is not routed.
    std::string token;
};

// The HTTPS listener (its address is server.tls_listen). Either certificate files, or "auto":
// a certificate for these names issued at start by the RSA authority and re-issued before it
// expires (tools/localca/tls_certificate.hpp).
struct tls_config {
    std::string cert_file;               // PEM certificate chain, leaf first. Default "".
    std::string key_file;                // PEM private key of the leaf (unencrypted). Default "".
    std::vector<std::string> auto_names; // subjectAltName entries (IPs or DNS names). Default {}.
    // Lifetime of each automatic certificate. Default 30 days.
    int validity_days = 30;
    // Re-issue this long before notAfter; 0 (default) = a third of the lifetime before, i.e.
    // when two thirds of it have passed. Must be less than the lifetime.
    std::chrono::seconds renew_before{0};

    bool automatic() const { return !auto_names.empty(); }
};

// Lab mode (docs/lab.md): time travel for test labs. Never on a production CA.
struct lab_config {
    bool enabled = false; // Default false: /lab/v1 is 404, `localca lab` refuses.
};
// GET /metrics (docs/admin-api.md, "Metrics").
struct metrics_config {
    // Default false: a viewer admin token is required. True: anyone who reaches the listener
    // may scrape (for a Prometheus on a trusted network without a token file).
    bool public_access = false;
};

// ca::options with the URL templates of where the pki personality serves the files
// (server/pki/paths.hpp).
inline ca::options default_ca_options() {
    ca::options o;
    o.crl_url_template = server::pki::k_crl_url_template;
    return o;
}

struct config {
    server::options server;
    ca::options ca = default_ca_options();
    storage::options storage; // storage.path is set from the data dir, not from the file
    std::string log_level = "info";
    bool public_base_url_set = false; // false: derived from the listeners in validate()
    pki_options pki;
    // EnOS personality; token_key and public_base_url are filled in by serve.
    server::enos::options enos;
    // Foundry personality; refresh_interval is derived from ca.crl_next_update in validate().
    server::foundry::options foundry;
    tls_config tls;
    ca::ocsp_options ocsp;
    // false: the AIA URL templates are derived from publicBaseUrl in validate().
    bool ocsp_url_template_set = false;
    bool ca_issuers_url_template_set = false;
    lab_config lab;
    metrics_config metrics;

    // Throws std::invalid_argument naming the key of the first bad value. Fills derived defaults.
    void validate();
};

// Reads the file (throws tools::json_error / std::runtime_error naming the key or the file).
config load_config(const std::filesystem::path& file);

} // namespace localca::tools
