#include "core/util/sha256.h"

#include <new>

#include <openssl/evp.h>

namespace agentsim {
namespace {

std::string ToHex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[bytes[i] >> 4]);
    hex.push_back(kHex[bytes[i] & 0x0F]);
  }
  return hex;
}

}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool ok = false;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  impl_->ok = impl_->ctx != nullptr && EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

bool Sha256::Update(std::string_view bytes) {
  impl_->ok = impl_->ok && EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) == 1;
  return impl_->ok;
}

Result<std::string> Sha256::FinishHex() {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!impl_->ok || EVP_DigestFinal_ex(impl_->ctx, hash, &size) != 1) {
    return Internal("SHA-256 failed in OpenSSL");
  }
  impl_->ok = false;
  return ToHex(hash, size);
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), hash, &size, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();  // OpenSSL fails here only when out of memory
  }
  return ToHex(hash, size);
}

}  // namespace agentsim
