#include "layerwise/pretrain/autoencoder_scheme.hpp"

#include "layerwise/core/check.hpp"

namespace lw {

std::vector<SchemeOption> autoencoder_options() {
  return {{"tied", "true", "decoder weights are the transposed encoder weights"},
          {"loss",
           "cross_entropy",
           "reconstruction loss: cross_entropy (sigmoid decoder, inputs in [0, 1]) or "
           "squared_error (linear decoder)",
           {"cross_entropy", "squared_error"}}};
}

void check_autoencoder_inputs(const SchemeOptions& options, const SchemeInputs& inputs) {
  if (options.text("loss") != "cross_entropy") return;
  const std::string what = cat(options.dotted("loss"), " = cross_entropy needs inputs in [0, 1], but ");
  const auto [lo, hi] = inputs.input_range(0);
  require(lo >= 0 && hi <= 1, cat(what, "the data spans [", lo, ", ", hi, "]: set ", options.dotted("loss"),
                                  " = squared_error, or scale the data to [0, 1]"));
  if (inputs.depth < 2) return;
  const auto [alo, ahi] = inputs.input_range(1);
  require(alo >= 0 && ahi <= 1,
          cat(what, "above the first layer the inputs are ", to_string(inputs.act), " outputs, in [", alo,
              ", ", ahi, "]: set ", options.dotted("loss"), " = squared_error, or use sigmoid hidden units"));
}

AutoencoderConfig autoencoder_config(const SchemeOptions& options) {
  AutoencoderConfig config;
  config.tied = options.flag("tied");
  config.loss = parse_reconstruction(options.text("loss"));
  return config;
}

template <class T>
TrainResult train_reconstruction(Objective<T>& objective, const LayerTask<T>& task,
                                 const SchemeContext<T>& ctx) {
  const TrainData<T> data{
      .X = task.X, .Y = task.X, .X_valid = task.X_valid, .Y_valid = task.X_valid};
  Rng shuffle = ctx.fork("shuffle");
  return train(objective, data, ctx.train_config(task.X.n_cols), shuffle, ctx.phase(), ctx.hooks());
}

template <class T>
SchemeResult<T> pretrain_autoencoder(const LayerTask<T>& task, const SchemeContext<T>& ctx,
                                     const AutoencoderConfig& config) {
  // Cross-entropy against targets outside [0, 1] is not a reconstruction loss (it goes negative).
  if (config.loss == Reconstruction::cross_entropy && task.X.n_elem > 0)
    require(task.X.min() >= T(0) && task.X.max() <= T(1),
            cat(ctx.options.dotted("loss"), " = cross_entropy needs inputs in [0, 1], but layer ",
                task.layer, "'s inputs span [", task.X.min(), ", ", task.X.max(),
                "]: use loss = squared_error, or data scaled to [0, 1] with sigmoid hidden units"));
  AutoencoderObjective<T> objective(initial_encoder(task, ctx), config, ctx.fork("noise"));
  TrainResult result = train_reconstruction(objective, task, ctx);
  return {objective.encoder(), std::move(result)};
}

template TrainResult train_reconstruction(Objective<float>&, const LayerTask<float>&,
                                          const SchemeContext<float>&);
template TrainResult train_reconstruction(Objective<double>&, const LayerTask<double>&,
                                          const SchemeContext<double>&);
template SchemeResult<float> pretrain_autoencoder(const LayerTask<float>&,
                                                  const SchemeContext<float>&,
                                                  const AutoencoderConfig&);
template SchemeResult<double> pretrain_autoencoder(const LayerTask<double>&,
                                                   const SchemeContext<double>&,
                                                   const AutoencoderConfig&);

}  // namespace lw
