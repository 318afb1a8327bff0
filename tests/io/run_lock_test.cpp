// io/run_lock: one holder per run at a time, across processes, released however the holder ends.
#include "layerwise/io/run_lock.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "support/temp_dir.hpp"

BOOST_AUTO_TEST_SUITE(io_run_lock)

BOOST_AUTO_TEST_CASE(a_run_has_one_holder_and_other_runs_are_free) {
  lw::test::TempDir dir;
  {
    auto a = lw::RunLock::try_take(dir / "new_folder", "d1-sigmoid-w8-xavier-s01");  // creates it
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(!lw::RunLock::try_take(dir / "new_folder", "d1-sigmoid-w8-xavier-s01").has_value());
    BOOST_TEST(lw::RunLock::try_take(dir / "new_folder", "d2-sigmoid-w8-xavier-s01").has_value());
    const lw::RunLock moved = std::move(*a);  // the lock moves with it
    BOOST_TEST(!lw::RunLock::try_take(dir / "new_folder", "d1-sigmoid-w8-xavier-s01").has_value());
  }
  BOOST_TEST(lw::RunLock::try_take(dir / "new_folder", "d1-sigmoid-w8-xavier-s01").has_value());  // released
}

BOOST_AUTO_TEST_CASE(a_killed_holder_leaves_no_lock_behind) {
  lw::test::TempDir dir;
  int ready[2];
  BOOST_TEST_REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  if (child == 0) {  // takes the lock, says so, waits to be killed
    auto lock = lw::RunLock::try_take(dir.path(), "r");
    const char c = lock ? 'y' : 'n';
    [[maybe_unused]] const auto w = ::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  BOOST_TEST_REQUIRE(::read(ready[0], &c, 1) == 1);
  BOOST_TEST(c == 'y');
  BOOST_TEST(!lw::RunLock::try_take(dir.path(), "r").has_value());  // held by the child
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST(lw::RunLock::try_take(dir.path(), "r").has_value());
  ::close(ready[0]);
  ::close(ready[1]);
}

BOOST_AUTO_TEST_CASE(an_unusable_folder_is_an_error_naming_it) {
  lw::test::TempDir dir;
  std::FILE* f = std::fopen((dir / "plain").c_str(), "w");
  std::fclose(f);
  std::string message;
  try {
    lw::RunLock::try_take(dir / "plain", "r");
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  BOOST_TEST(message.find((dir / "plain").string()) != std::string::npos, message);
}

BOOST_AUTO_TEST_SUITE_END()
