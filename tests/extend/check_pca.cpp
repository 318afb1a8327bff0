// The library's contract checks (pretrain/scheme_check.hpp) on this project's scheme: exit 0 when
// pca keeps the contract, 1 (and what is wrong) when it does not.
#include <layerwise/pretrain/scheme_check.hpp>

#include <iostream>

int main() {
  const auto problems = lw::testing::check_scheme("pca");
  for (const auto& p : problems) std::cerr << p << "\n";
  std::cout << "check_scheme(pca): " << (problems.empty() ? "passes" : "FAILS") << "\n";
  return problems.empty() ? 0 : 1;
}
