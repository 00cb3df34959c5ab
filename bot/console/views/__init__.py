"""The console's pages: log in and out, the queue and cases, the supervisor's, the admin's."""
