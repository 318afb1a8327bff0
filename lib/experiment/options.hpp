#pragma once
// Command-line options of every driver (depth_sweep, gradient_probe, evaluate), parsed one way
// with Boost.Program_options. parse_options():
//  - never guesses abbreviated names: --finetune.epoch is an error, not finetune.epochs;
//  - refuses an unknown name, naming it and, when it looks like a typo (at most 2 edits, or a
//    quarter of the name for long names), the closest known one:
//      "unrecognised option '--deptsh' (did you mean --depths?)";
//  - refuses a malformed value naming the option ("the argument ('abc') for option '--width' is
//    invalid");
//  - refuses text holding a Boost message placeholder ("%value%" and the like), which would make
//    Boost's error formatting loop forever (found by tests/fuzz/config_fuzz.cpp);
//  - given a settings description, reads --config FILE: an INI file of those settings, sections
//    matching the dots ([finetune] epochs = 30). Precedence: command line, then the file, then
//    the defaults. An unreadable file, or an unknown key in it, is an error naming the file.
// Every error is a std::invalid_argument; the drivers print it as "<driver>: <message>" and exit 2.
// The options themselves are declared with core/option_table.hpp.
#include <boost/program_options.hpp>

namespace lw {

// Parses argv against `options`, every option of the driver, then runs the notifiers (bound fields
// are set) and returns the parsed variables.
boost::program_options::variables_map parse_options(
    int argc, const char* const* argv, const boost::program_options::options_description& options);

// The same, and when the command line holds --config FILE, reads that INI file against
// `settings`, the part of `options` a file may set. `options` must hold a "config" option taking
// the file name (and `settings` must not).
boost::program_options::variables_map parse_options(
    int argc, const char* const* argv, const boost::program_options::options_description& options,
    const boost::program_options::options_description& settings);

}  // namespace lw
