#pragma once
// The web console's files (server/console/web/dist/), compiled into the binary by
// server/console/embed_assets.cmake, so that a server serves its console with no Node, no CDN and
// no network. The table is generated; this header is its only interface.
#include <span>
#include <string_view>

namespace localca::server::console {

struct asset {
    std::string_view name;         // file name inside dist/, e.g. "app.js"
    std::string_view content_type; // from the extension, with charset for text
    std::string_view bytes;
    std::string_view etag; // quoted strong ETag: the first 16 hex digits of the SHA-256
};

// Every embedded file, sorted by name.
std::span<const asset> assets();

// The asset of that name, or nullptr.
const asset* find_asset(std::string_view name);

} // namespace localca::server::console
