// core/streams: each stream is the make_rng stream of its documented name, so renaming one (which
// would change every result) fails here; and the streams of a run are independent.
#include "layerwise/core/streams.hpp"

#include <boost/test/unit_test.hpp>
#include <set>

namespace {

std::uint64_t first(lw::Rng rng) { return rng.next_u64(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(core_streams)

BOOST_AUTO_TEST_CASE(each_stream_is_the_make_rng_stream_of_its_documented_name) {
  for (std::uint64_t seed : {0ull, 1ull, 12345ull}) {
    BOOST_TEST(first(lw::stream::data_split(seed)) == first(lw::make_rng(seed, "data/split")));
    BOOST_TEST(first(lw::stream::hidden_init(seed, 3)) == first(lw::make_rng(seed, "init/hidden", 3)));
    BOOST_TEST(first(lw::stream::output_init(seed)) == first(lw::make_rng(seed, "init/output")));
    BOOST_TEST(first(lw::stream::finetune_shuffle(seed)) ==
               first(lw::make_rng(seed, "finetune/shuffle")));
    BOOST_TEST(first(lw::stream::finetune_dropout(seed)) ==
               first(lw::make_rng(seed, "finetune/dropout")));
    BOOST_TEST(first(lw::stream::finetune_augment(seed)) ==
               first(lw::make_rng(seed, "finetune/augment")));
    BOOST_TEST(first(lw::stream::scheme_stream(seed, "dae", "noise", 2)) ==
               first(lw::make_rng(seed, "pretrain/dae/noise", 2)));
  }
}

BOOST_AUTO_TEST_CASE(the_streams_of_one_seed_differ_from_each_other_and_across_seeds) {
  std::set<std::uint64_t> draws;
  for (std::uint64_t seed : {1ull, 2ull}) {
    draws.insert(first(lw::stream::data_split(seed)));
    for (std::uint64_t l = 0; l < 3; ++l) draws.insert(first(lw::stream::hidden_init(seed, l)));
    draws.insert(first(lw::stream::output_init(seed)));
    draws.insert(first(lw::stream::finetune_shuffle(seed)));
    draws.insert(first(lw::stream::finetune_dropout(seed)));
    draws.insert(first(lw::stream::finetune_augment(seed)));
    draws.insert(first(lw::stream::scheme_stream(seed, "dae", "noise", 0)));
    draws.insert(first(lw::stream::scheme_stream(seed, "ae", "noise", 0)));
  }
  BOOST_TEST(draws.size() == 2u * 10);
}

BOOST_AUTO_TEST_SUITE_END()
