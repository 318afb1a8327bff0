#pragma once
// The contract checks of pretrain/scheme.hpp, as a function a test can call on any registered
// scheme (the library's tests call it on every one; a user's test on theirs):
//   for (const auto& problem : lw::testing::check_scheme("pca")) std::cerr << problem << "\n";
//
// The data: 384 training and 128 validation images of 4 x 4 bars and stripes (16 pixels in
// {0, 1}, labels 0 bars / 1 stripes, fixed seeds), the kind of data every scheme must handle;
// the task: layer 1 (not 0, so a scheme cannot assume it sees the input), 8 sigmoid units,
// labels given. Each check, and why:
//  - the listing and help: a summary, help for every option, and the common options with their
//    defaults in --list-schemes (users choose from there);
//  - the layer: 8 x 16 weights, 8 biases, the task's activation, finite, status complete (the
//    greedy driver stacks it and the network's forward pass relies on it);
//  - its training: one epoch per `epochs` option with a finite training loss, the training and
//    validation losses lower after the last epoch than after the first (the defaults must
//    train); a closed-form scheme reports exactly one epoch instead;
//  - reproducibility: the same seed gives the same bits (pairing of arms and resume rest on it);
//    for an iterative scheme another seed gives another layer (it draws from its streams);
//  - the observers: exactly one phase "pretrain" with the scheme's name and the layer, seeing
//    every epoch the result holds, then its end (that phase is what reaches the results file).
// Returns one line per violation, naming the scheme and what is wrong; empty when it passes.
#include <string>
#include <string_view>
#include <vector>

namespace lw {
struct Scheme;
}

namespace lw::testing {

// The registered scheme of that name ("not registered" when there is none).
std::vector<std::string> check_scheme(std::string_view name);
// Any scheme, registered or not (the listing is checked for a registered one).
std::vector<std::string> check_scheme(const Scheme& scheme);

}  // namespace lw::testing
