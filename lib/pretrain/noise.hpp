#pragma once
// Input corruption for denoising autoencoders (Vincent et al. 2008, 2010). Every element is drawn
// independently from the Rng, in column-major order, so a stream gives the same noise on any
// platform. `level` means:
//   none         x~ = x
//   masking      x~ = 0 with probability level, else x                  ("masking noise")
//   gaussian     x~ = x + level * N(0, 1)                               (isotropic Gaussian)
//   salt_pepper  with probability level, x~ = 0 or 1 (each with probability 1/2), else x
#include <armadillo>
#include <string>
#include <string_view>

#include "layerwise/core/random.hpp"

namespace lw {

enum class Noise { none, masking, gaussian, salt_pepper };

Noise parse_noise(std::string_view name);  // throws, listing the known names
std::string to_string(Noise noise);

// Throws unless level is in [0, 1] (masking, salt_pepper) or >= 0 (gaussian).
void check_noise_level(Noise noise, double level);

// out = corrupted copy of X (out is resized; it is a reused buffer and must not alias X).
template <class T>
void corrupt(Noise noise, double level, const arma::Mat<T>& X, arma::Mat<T>& out, Rng& rng);

}  // namespace lw
