#pragma once
// The APIs this server speaks, one entry each. Adding an API means its folders (server/<api>/,
// and ca/<api>/ and storage/<api>/ when it has domain rules or tables of its own) plus one line
// in the table of apis.cpp; nothing in the core changes (docs/architecture.md, "Adding an API").
#include "ca/engine.hpp"
#include "server/admin/metrics_routes.hpp"
#include "server/core/router.hpp"
#include "storage/store.hpp"
#include "tools/localca/config.hpp"

#include <filesystem>
#include <memory>
#include <span>

namespace localca::tools {

// What an API may use when the server starts.
struct api_context {
    const std::filesystem::path& data_dir;
    const config& settings;
    storage::store& store;
    ca::engine& engine;
    server::admin::metrics_routes& metrics; // where an API reports its key pool, if any
};

struct api {
    const char* name;
    // Tells the core what it must know of the API before an engine opens the store (e.g. how to
    // seal the API's legacy clear secrets: ca::register_resealer), or nullptr.
    void (*register_with_core)();
    // Constructs the personality and what it needs and adds its routes. The returned object owns
    // them: it must outlive the HTTP server.
    std::shared_ptr<void> (*serve)(const api_context& ctx, server::router& routes);
};

// In route registration order.
std::span<const api> apis();

// Runs every API's register_with_core once (later calls do nothing). Before the first engine.
void register_apis_with_core();

} // namespace localca::tools
