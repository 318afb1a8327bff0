#pragma once
// What the autoencoder-family schemes (ae, dae, sparse_ae, contractive_ae) and the rbm share:
// their common options, reading them, and training a reconstruction objective with the ONE
// training loop (train/train.hpp): targets Y = X (the clean input), validation likewise, the
// shuffle stream ctx.fork("shuffle"), observers see PhaseInfo{"pretrain", layer, scheme}.
#include <vector>

#include "layerwise/pretrain/autoencoder.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace lw {

// tied (true): decoder W' = W^T;  loss (cross_entropy | squared_error).
std::vector<SchemeOption> autoencoder_options();

// Scheme::check_inputs of the autoencoder schemes: loss = cross_entropy needs every layer's
// inputs in [0, 1] (the data for layer 0, the hidden activation's outputs above it).
void check_autoencoder_inputs(const SchemeOptions& options, const SchemeInputs& inputs);

// AutoencoderConfig with tied and loss read from the options; no noise, no penalties.
AutoencoderConfig autoencoder_config(const SchemeOptions& options);

// train(objective, {X, X, X_valid, X_valid}, ctx.train_config(n), ctx.fork("shuffle"), ...).
template <class T>
TrainResult train_reconstruction(Objective<T>& objective, const LayerTask<T>& task,
                                 const SchemeContext<T>& ctx);

// The whole autoencoder scheme: encoder from initial_encoder(), AutoencoderObjective with noise
// from ctx.fork("noise"), trained by train_reconstruction(); returns the trained encoder.
template <class T>
SchemeResult<T> pretrain_autoencoder(const LayerTask<T>& task, const SchemeContext<T>& ctx,
                                     const AutoencoderConfig& config);

}  // namespace lw
