#pragma once
// The app secrets of EnOS apps, sealed at rest in apps.app_secret_sealed (ca/secret_box.hpp).
#include <string>
#include <string_view>

namespace localca::ca::enos {

// The secret box context of an app's secret: "enos-app-secret:<appKey>", so that a sealed secret
// copied into another app's row does not open.
std::string app_secret_context(std::string_view app_key);

// Registers with the core (ca::register_resealer) how a clear app secret that a database older
// than schema 5 left in unsealed_secrets is sealed back into its app row.
void register_app_secret_resealer();

} // namespace localca::ca::enos
