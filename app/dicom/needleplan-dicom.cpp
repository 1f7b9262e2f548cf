/* needleplan-dicom.cpp: the DICOM importer process (docs/dicom.md)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads one DICOM file for the core and answers over stdin/stdout: `open`
 * returns the header facts, `frame` one frame's pixels (grey as stored, or
 * RGB 8-bit), `write` encodes a NeedlePlan record (Secondary Capture or
 * Encapsulated PDF) and returns its bytes, `send` stores files on a PACS
 * by C-STORE, `close` ends the process. Everything a hostile file can do to
 * DCMTK happens here, inside the limits the core sets on this process.
 */

#include "np-dicom-file.h"
#include "np-dicom-query.h"
#include "np-dicom-send.h"
#include "np-dicom-writer.h"

#include <dcmtk/oflog/oflog.h>

#include <cstdlib>
#include <pthread.h>
#include <unistd.h>

namespace {

using np::DicomFile;
using np::Failure;

void
send_failure (int out, const Failure &failure)
{
  np::JsonObject header;
  header.add_string ("status", "error");
  header.add_string ("code", failure.code);
  header.add_string ("message", failure.message);
  np::write_message (out, header.str (), nullptr, 0);
}

struct Worker
{
  int in = 0;
  int out = 1;
  int status = 0;
  bool dictionary = false;
};

void *
serve (void *data)
{
  Worker *worker = static_cast<Worker *> (data);
  DicomFile file;
  bool dictionary = worker->dictionary;

  for (;;)
    {
      np::Request request;
      std::vector<uint8_t> payload;
      std::string error;
      if (!np::read_request (worker->in, request, payload, error))
        {
          worker->status = error == "end of input" ? 0 : 2;
          return nullptr;
        }
      const std::string &what = request["request"];
      if (what == "close")
        {
          np::JsonObject header;
          header.add_string ("status", "ok");
          np::write_message (worker->out, header.str (), nullptr, 0);
          return nullptr;
        }
      if (!dictionary)
        {
          send_failure (worker->out, { "failed", "DCMTK's data dictionary is not loaded: set DCMDICTPATH "
                                                  "to dicom.dic (Debian: /usr/share/libdcmtk17/dicom.dic)" });
          continue;
        }
      Failure failure;
      np::JsonObject header;
      header.add_string ("status", "ok");
      if (what == "open")
        {
          if (!file.open (request["path"], header, failure))
            send_failure (worker->out, failure);
          else
            np::write_message (worker->out, header.str (), nullptr, 0);
        }
      else if (what == "frame")
        {
          std::vector<uint8_t> pixels;
          auto it = request.find ("index");
          long index = it == request.end () ? -1 : std::strtol (it->second.c_str (), nullptr, 10);
          if (!file.frame (index, header, pixels, failure))
            send_failure (worker->out, failure);
          else
            {
              header.add_int ("payload", static_cast<long long> (pixels.size ()));
              np::write_message (worker->out, header.str (), pixels.data (), pixels.size ());
            }
        }
      else if (what == "write")
        {
          std::vector<uint8_t> bytes;
          if (!np::write_dicom (request, payload, bytes, failure))
            send_failure (worker->out, failure);
          else
            {
              header.add_int ("payload", static_cast<long long> (bytes.size ()));
              np::write_message (worker->out, header.str (), bytes.data (), bytes.size ());
            }
        }
      else if (what == "find" || what == "get")
        {
          std::string json;
          std::vector<uint8_t> bytes;
          bool done = what == "find" ? np::query_find (request, json, failure)
                                     : np::query_get (request, bytes, failure);
          if (what == "find")
            bytes.assign (json.begin (), json.end ());
          if (!done)
            send_failure (worker->out, failure);
          else
            {
              header.add_int ("payload", static_cast<long long> (bytes.size ()));
              np::write_message (worker->out, header.str (), bytes.data (), bytes.size ());
            }
        }
      else if (what == "send")
        np::serve_send (worker->out, request);
      else
        send_failure (worker->out, { "protocol", "unknown request '" + what + "'" });
    }
}

} // namespace


int
main (int argc, char **argv)
{
  (void) argc;
  (void) argv;
  Worker worker;

  /* stdout carries the protocol alone: anything DCMTK prints goes to stderr. */
  worker.out = dup (STDOUT_FILENO);
  if (worker.out < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    return 3;

  OFLog::configure (OFLogger::ERROR_LOG_LEVEL);
  worker.dictionary = np::dicom_init ();

  pthread_attr_t attributes;
  pthread_t thread;
  pthread_attr_init (&attributes);
  pthread_attr_setstacksize (&attributes, np::dicom_stack_bytes);
  if (pthread_create (&thread, &attributes, serve, &worker) != 0)
    {
      /* Smaller stack as a fallback, e.g. under a tight address-space limit. */
      pthread_attr_setstacksize (&attributes, 64ull * 1024 * 1024);
      if (pthread_create (&thread, &attributes, serve, &worker) != 0)
        return 4;
    }
  pthread_join (thread, nullptr);
  pthread_attr_destroy (&attributes);
  return worker.status;
}
