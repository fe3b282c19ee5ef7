#pragma once
// Sealing of the secrets the server needs in clear but must not store in clear (an API's client
// secrets and keys): AES-256-GCM under one 32-byte key. A sealed value is
//   version (1 byte) || random nonce (12 bytes) || ciphertext || tag (16 bytes)
// and its associated data is the version byte followed by a context naming the row and purpose
// (e.g. "<api>-app-secret:<appKey>", defined by the module owning the column), so that a value
// copied into another row does not open.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <botan/secmem.h>

namespace localca::ca {

inline constexpr std::size_t k_secret_key_bytes = 32;

// A sealed value that does not open: tampered with, sealed for another context or under another
// key. The unexpected (the database was edited, or the wrong passphrase reached this far).
class secret_box_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class secret_box {
public:
    // Throws std::invalid_argument unless the key is k_secret_key_bytes long.
    explicit secret_box(std::span<const std::uint8_t> key);

    std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plain,
                                   std::string_view context) const;
    // Throws secret_box_error naming the context when the value does not open.
    Botan::secure_vector<std::uint8_t> open(std::span<const std::uint8_t> sealed,
                                            std::string_view context) const;

private:
    Botan::secure_vector<std::uint8_t> m_key;
};

// `current` when it already holds `plain` for this context, else a new seal: sealing is randomised,
// so re-seeding an unchanged secret must keep the stored value to write nothing.
std::vector<std::uint8_t> reseal(const secret_box& box, const std::vector<std::uint8_t>* current,
                                 std::span<const std::uint8_t> plain, std::string_view context);

// Convenience for text secrets.
std::vector<std::uint8_t> seal_text(const secret_box& box, std::string_view plain,
                                    std::string_view context);
std::string open_text(const secret_box& box, std::span<const std::uint8_t> sealed,
                      std::string_view context);

} // namespace localca::ca
