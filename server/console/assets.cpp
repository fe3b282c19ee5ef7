#include "server/console/assets.hpp"

#include <algorithm>

namespace localca::server::console {

namespace detail {
// Defined in the generated console_assets.cpp (server/console/embed_assets.cmake).
std::span<const asset> embedded_assets();
} // namespace detail

std::span<const asset> assets() {
    return detail::embedded_assets();
}

const asset* find_asset(std::string_view name) {
    const auto all = assets();
    const auto it = std::lower_bound(all.begin(), all.end(), name,
                                     [](const asset& a, std::string_view n) { return a.name < n; });
    return it != all.end() && it->name == name ? &*it : nullptr;
}

} // namespace localca::server::console
