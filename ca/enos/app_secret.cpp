#include "ca/enos/app_secret.hpp"

#include "ca/sealing_key.hpp"
#include "storage/enos/tenant_repository.hpp"

namespace localca::ca::enos {

std::string app_secret_context(std::string_view app_key) {
    return "enos-app-secret:" + std::string(app_key);
}

void register_app_secret_resealer() {
    register_resealer(storage::enos::k_unsealed_app_secret,
                      [](storage::connection& db, const secret_box& box, std::int64_t row_id,
                         const std::vector<std::uint8_t>& value) {
                          if (const auto app = storage::enos::find_app_by_id(db, row_id)) {
                              storage::enos::upsert_app(
                                  db, app->org, app->app_key,
                                  box.seal(value, app_secret_context(app->app_key)));
                          }
                      });
}

} // namespace localca::ca::enos
