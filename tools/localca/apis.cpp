#include "tools/localca/apis.hpp"

#include "tools/localca/shared_keys.hpp"

#include "ca/emca/aes_key_secret.hpp"
#include "ca/enos/app_secret.hpp"
#include "ca/enos/registry.hpp"
#include "ca/foundry/account_registry.hpp"
#include "ca/foundry/key_pool.hpp"
#include "server/console/personality.hpp"
#include "server/core/log.hpp"
#include "server/emca/personality.hpp"
#include "server/enos/personality.hpp"
#include "server/foundry/personality.hpp"
#include "server/pki/personality.hpp"
#include "tools/localca/data_dir.hpp"
#include "tools/localca/revoke.hpp"

#include <mutex>

namespace localca::tools {

namespace {

std::shared_ptr<void> serve_pki(const api_context& ctx, server::router& routes) {
    struct parts {
        storage::bulk_filters filters = all_bulk_filters(); // every API's bulk-revocation keys
        server::pki::personality personality;
        explicit parts(const api_context& ctx)
            : personality(ctx.engine, server::pki::options{ctx.settings.pki.token, &filters,
                                                              ctx.settings.lab.enabled}) {}
    };
    auto p = std::make_shared<parts>(ctx);
    routes.add_personality(p->personality);
    return p;
}

std::shared_ptr<void> serve_enos(const api_context& ctx, server::router& routes) {
    struct parts {
        ca::enos::registry registry;
        server::enos::personality personality;
        parts(const api_context& ctx, server::enos::options opts)
            : registry(ctx.store, ctx.engine.secrets()),
              personality(ctx.engine, registry, std::move(opts)) {}
    };
    auto opts = ctx.settings.enos;
    opts.token_key = enos_token_key(ctx.data_dir, ctx.store, ctx.engine.secrets());
    auto p = std::make_shared<parts>(ctx, std::move(opts));
    routes.add_personality(p->personality);
    if (ctx.settings.enos.auth == server::enos::auth_mode::off) {
        server::log::warn("EnOS auth is OFF: anyone who reaches this port can issue and revoke "
                          "certificates for every org. Use only for a developer test CA.");
    }
    if (ctx.settings.enos.auth == server::enos::auth_mode::unverified_token) {
        server::log::warn("EnOS auth is UNVERIFIED-TOKEN: any well-formed apim-accesstoken is "
                          "accepted unchecked; anyone who reaches this port and knows an orgId can "
                          "issue and revoke its certificates. Use only in a lab.");
    }
    return p;
}

std::shared_ptr<void> serve_emca(const api_context& ctx, server::router& routes) {
    auto p = std::make_shared<server::emca::personality>(ctx.engine);
    routes.add_personality(*p);
    return p;
}

std::shared_ptr<void> serve_foundry(const api_context& ctx, server::router& routes) {
    struct parts {
        ca::foundry::account_registry accounts;
        ca::foundry::key_pool keys;
        server::foundry::personality personality;
        explicit parts(const api_context& ctx)
            : accounts(ctx.store), keys(ctx.settings.foundry.key_pool_size),
              personality(ctx.engine, accounts, keys, ctx.settings.foundry) {}
    };
    auto p = std::make_shared<parts>(ctx);
    routes.add_personality(p->personality);
    ctx.metrics.add_key_pool("foundry", [keys = &p->keys] { return keys->ready(); });
    return p;
}

std::shared_ptr<void> serve_console(const api_context&, server::router& routes) {
    auto p = std::make_shared<server::console::personality>();
    routes.add_personality(*p);
    return p;
}

void register_enos() {
    ca::enos::register_app_secret_resealer();
}
void register_emca() {
    ca::emca::register_aes_key_resealer();
}

// The registration list: one line per API.
constexpr api k_apis[] = {
    {"pki", nullptr, serve_pki},
    {"enos", register_enos, serve_enos},
    {"emca", register_emca, serve_emca},
    {"foundry", nullptr, serve_foundry},
    {"console", nullptr, serve_console}, // the web console: a client of the APIs above
};

} // namespace

std::span<const api> apis() {
    return k_apis;
}

void register_apis_with_core() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (const auto& a : k_apis) {
            if (a.register_with_core) {
                a.register_with_core();
            }
        }
    });
}

} // namespace localca::tools
