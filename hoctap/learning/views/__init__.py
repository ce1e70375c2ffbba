"""The learning app's pages, one module per area, each with its own `urlpatterns`:

- `home`: where a user lands after signing in (`/learn/start`), and the officers' learning home
  (`/learning/`);
- `portal`: the learners' pages (`/learn/…`, `/signup/`): catalogue, course, lessons, quiz,
  my learning, password change, the learner's certificate PDFs;
- `verify`: the public certificate verification (`/verify/…`, no sign-in);
- `certificates`: the officers' certificate pages: list, revoke, re-issue, bulk jobs
  (`/learning/certificates/…`);
- `catalogue`: writing courses (`/learning/courses/…`);
- `learners`: learner accounts, bulk creation, course assignment (`/learning/accounts/…`);
- `classes`: offline classes and attendance (`/learning/classes/…`);
- `groups`: community digital technology groups (`/learning/groups/…`);
- `reports`: completions by course, class, organisation and unit (`/learning/reports/…`).
"""
