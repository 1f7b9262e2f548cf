/* fuzz-dicom-open.cpp: the importer's reader (app/dicom/np-dicom-file.cpp)
 * on arbitrary bytes: open, then the first and the last frame
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In NeedlePlan this code runs in its own process under limits; the harness
 * looks for what those limits would only contain: crashes, hangs and
 * runaway allocations. Like the importer it works on a thread with a big
 * stack, because DCMTK parses nested sequences recursively.
 */

#include "np-dicom-file.h"

#include <dcmtk/oflog/oflog.h>

#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

namespace {

/* The importer reads files, and DCMTK checks an element's length against
 * what is left in a file, not in a memory stream: so the input goes through
 * a file, in a folder of this process's own, removed at exit. */
std::string work_dir;

void
remove_work_dir ()
{
  unlink ((work_dir + "/input.dcm").c_str ());
  rmdir (work_dir.c_str ());
}

std::string
write_input (const uint8_t *data, size_t size)
{
  if (work_dir.empty ())
    {
      const char *tmp = std::getenv ("TMPDIR");
      std::string pattern = std::string (tmp != nullptr && *tmp != '\0' ? tmp : "/tmp")
                            + "/np-fuzz-dicom-XXXXXX";
      std::vector<char> buffer (pattern.begin (), pattern.end ());
      buffer.push_back ('\0');
      if (mkdtemp (buffer.data ()) == nullptr)
        std::abort ();
      work_dir = buffer.data ();
      std::atexit (remove_work_dir);
    }
  std::string path = work_dir + "/input.dcm";
  FILE *file = std::fopen (path.c_str (), "wb");
  if (file == nullptr || (size > 0 && std::fwrite (data, 1, size, file) != size))
    std::abort ();
  std::fclose (file);
  return path;
}

struct Job
{
  std::string path;
};

void *
read_one (void *argument)
{
  const Job *job = static_cast<const Job *> (argument);
  np::DicomFile file;
  np::JsonObject facts;
  np::Failure failure;

  if (!file.open (job->path, facts, failure))
    {
      /* Every refusal says why. */
      if (failure.message.empty ())
        std::abort ();
      return nullptr;
    }
  for (long index : { 0L, file.frames () - 1 })
    {
      np::JsonObject header;
      std::vector<uint8_t> pixels;
      np::Failure frame_failure;
      if (!file.frame (index, header, pixels, frame_failure) && frame_failure.message.empty ())
        std::abort ();
    }
  return nullptr;
}

} // namespace

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const bool dictionary = [] {
    /* DCMTK's warnings about broken input would drown the fuzzer's output. */
    OFLog::configure (OFLogger::FATAL_LOG_LEVEL);
    return np::dicom_init ();
  }();
  pthread_attr_t attributes;
  pthread_t thread;
  Job job = { write_input (data, size) };

  if (!dictionary)
    {
      std::fprintf (stderr, "DCMTK's data dictionary is not loaded (set DCMDICTPATH)\n");
      std::abort ();
    }
  pthread_attr_init (&attributes);
  pthread_attr_setstacksize (&attributes, np::dicom_stack_bytes);
  if (pthread_create (&thread, &attributes, read_one, &job) != 0)
    std::abort ();
  pthread_join (thread, nullptr);
  pthread_attr_destroy (&attributes);
  return 0;
}
