#include "ca/emca/aes_key_secret.hpp"

#include "ca/sealing_key.hpp"
#include "storage/emca/api_user_repository.hpp"

namespace localca::ca::emca {

std::string aes_key_context(std::string_view user_name) {
    return "emca-aes-key:" + std::string(user_name);
}

void register_aes_key_resealer() {
    register_resealer(storage::emca::k_unsealed_aes_key,
                      [](storage::connection& db, const secret_box& box, std::int64_t row_id,
                         const std::vector<std::uint8_t>& value) {
                          if (auto user = storage::emca::find_api_user_by_id(db, row_id)) {
                              user->aes_key_sealed =
                                  box.seal(value, aes_key_context(user->user_name));
                              bool changed = false;
                              storage::emca::upsert_api_user(db, *user, &changed);
                          }
                      });
}

} // namespace localca::ca::emca
