// The test binary's entry point: Boost.Test's own main. Suites live in tests/<module>/*_test.cpp.
#define BOOST_TEST_MODULE layerwise
#include <boost/test/unit_test.hpp>
