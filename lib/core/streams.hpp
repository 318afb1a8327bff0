#pragma once
// The named random streams of a run, in one place. Every draw a run makes comes from one of these,
// derived from the run's seed (core/random.hpp make_rng). The pairing of arms rests on them: for
// one seed, every arm sees the same split, the same fine-tuning batch order, dropout and
// augmentation draws, and the same output-layer weights; a pretrained arm's encoders start from
// the weights of the arm without pretraining. Renaming a stream changes every result.
#include <cstdint>
#include <string_view>

#include "layerwise/core/random.hpp"

namespace lw::stream {

// "data/split": the permutation of data.shuffle and seeded sources (io/datasets.hpp).
inline Rng data_split(std::uint64_t seed) { return make_rng(seed, "data/split"); }
// "data/labeled": the permutation whose first data.n_labeled training examples fine-tuning sees
// (experiment/labeled.hpp).
inline Rng labeled_subset(std::uint64_t seed) { return make_rng(seed, "data/labeled"); }
// "init/hidden", l: hidden layer l's initial weights, with or without pretraining.
inline Rng hidden_init(std::uint64_t seed, std::uint64_t layer) {
  return make_rng(seed, "init/hidden", layer);
}
// "init/output": the output layer's initial weights, the same for every arm of a seed.
inline Rng output_init(std::uint64_t seed) { return make_rng(seed, "init/output"); }
// "finetune/shuffle", "finetune/dropout", "finetune/augment": fine-tuning's batch order, dropout
// masks and augmentation draws.
inline Rng finetune_shuffle(std::uint64_t seed) { return make_rng(seed, "finetune/shuffle"); }
inline Rng finetune_dropout(std::uint64_t seed) { return make_rng(seed, "finetune/dropout"); }
inline Rng finetune_augment(std::uint64_t seed) { return make_rng(seed, "finetune/augment"); }
// "pretrain/<scheme>/<name>", l: a scheme's own streams for layer l (SchemeContext::fork).
Rng scheme_stream(std::uint64_t seed, std::string_view scheme, std::string_view name,
                  std::uint64_t layer);

}  // namespace lw::stream
