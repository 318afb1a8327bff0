#pragma once
// The options of a driver, declared once: each binds a typed field of a config struct (whose
// current value is the default), and the table gives both the Boost.Program_options description
// to parse with (experiment/options.hpp) and, after parsing, every option's value typed as
// declared (entries()): what /config records and run_hash reads. Nothing is converted back from
// strings or boost::any.
//
//   OptionTable t("Fine-tuning [finetune]");
//   t.add("finetune.epochs", cfg.train.epochs, "maximum epochs")         // int -> int64
//    .add("finetune.batch_size", cfg.train.batch_size, "minibatch size") // unsigned: "-1" refused
//    .choice("finetune.optimizer", cfg.train.optimizer.kind, parse_optimizer, to_string, "...")
//    .flag("log.weights", cfg.log.weights, "...");                       // --log.weights alone: true
//
// An enum option is parsed by its own parse function when the command line or file is read, so a
// bad name is refused at once, naming the option ("--finetune.optimizer: unknown optimizer ...").
#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "layerwise/core/config_value.hpp"

namespace lw {

class OptionTable {
 public:
  explicit OptionTable(const std::string& caption = "") : description_(caption) {}

  // An int, long, unsigned (a negative value is refused), double or string option.
  template <class V>
  OptionTable& add(const std::string& name, V& field, const std::string& help);
  // A boolean option: --name alone means true; --name false (yes/no, on/off, 1/0) sets it.
  OptionTable& flag(const std::string& name, bool& field, const std::string& help);
  // An option naming one value of an enum: parse(text) -> E throws std::invalid_argument on an
  // unknown name, show(E) -> text is the inverse (what entries() records).
  template <class E>
  OptionTable& choice(const std::string& name, E& field, E (*parse)(std::string_view),
                      std::string (*show)(E), const std::string& help);
  // The options of `section`, shown under its caption in --help.
  OptionTable& add(const OptionTable& section);

  const boost::program_options::options_description& description() const { return description_; }
  // Every option's current value (after parsing: the effective one), typed as declared, in
  // declaration order.
  std::vector<ConfigEntry> entries() const;

 private:
  struct Row {
    std::string name;
    std::function<ConfigValue()> value;
  };
  void push(const std::string& name, std::function<ConfigValue()> value) {
    rows_.push_back({name, std::move(value)});
  }
  static std::string shown(double v);  // 0.1, not 0.10000000000000001

  boost::program_options::options_description description_;
  std::vector<Row> rows_;
};

template <class V>
OptionTable& OptionTable::add(const std::string& name, V& field, const std::string& help) {
  namespace po = boost::program_options;
  if constexpr (std::is_same_v<V, std::string>) {
    description_.add_options()(name.c_str(), po::value(&field)->default_value(field), help.c_str());
    push(name, [&field] { return ConfigValue(field); });
  } else if constexpr (std::is_floating_point_v<V>) {
    description_.add_options()(name.c_str(), po::value(&field)->default_value(field, shown(field)),
                               help.c_str());
    push(name, [&field] { return ConfigValue(static_cast<double>(field)); });
  } else if constexpr (std::is_integral_v<V> && std::is_signed_v<V>) {
    description_.add_options()(name.c_str(), po::value(&field)->default_value(field), help.c_str());
    push(name, [&field] { return ConfigValue(static_cast<std::int64_t>(field)); });
  } else {
    static_assert(std::is_integral_v<V> && std::is_unsigned_v<V> && !std::is_same_v<V, bool>,
                  "OptionTable::add: int, long, unsigned, double or std::string (flag() for bool)");
    // Read as a signed number: Boost (lexical_cast) would read "-1" as the largest unsigned value.
    description_.add_options()(
        name.c_str(),
        po::value<std::int64_t>()
            ->default_value(static_cast<std::int64_t>(field))
            ->notifier([&field, name](std::int64_t v) {
              if (v < 0)
                throw std::invalid_argument("--" + name + ": must be >= 0 (" + std::to_string(v) + ")");
              field = static_cast<V>(v);
            }),
        help.c_str());
    push(name, [&field] { return ConfigValue(static_cast<std::int64_t>(field)); });
  }
  return *this;
}

template <class E>
OptionTable& OptionTable::choice(const std::string& name, E& field, E (*parse)(std::string_view),
                                 std::string (*show)(E), const std::string& help) {
  namespace po = boost::program_options;
  description_.add_options()(
      name.c_str(),
      po::value<std::string>()
          ->default_value(show(field))
          ->notifier([&field, name, parse](const std::string& text) {
            try {
              field = parse(text);
            } catch (const std::invalid_argument& e) {
              throw std::invalid_argument("--" + name + ": " + e.what());
            }
          }),
      help.c_str());
  push(name, [&field, show] { return ConfigValue(show(field)); });
  return *this;
}

}  // namespace lw
