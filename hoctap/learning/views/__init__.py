"""The learning app's pages, one module per area, each with its own `urlpatterns`:

- `portal`: the learners' pages (`/learn/…`, `/signup/`): catalogue, course, lessons, quiz,
  my learning, password change;
- `verify`: the public certificate verification (`/verify/…`, no sign-in);
- `certificates`: certificate PDFs, and the officers' certificate pages;
- `catalogue`: writing courses (`/learning/courses/…`);
- `learners`: learner accounts, bulk creation, course assignment (`/learning/accounts/…`);
- `classes`: offline classes and attendance (`/learning/classes/…`);
- `groups`: community digital technology groups (`/learning/groups/…`);
- `reports`: completions by course, class, organisation and unit (`/learning/reports/…`).
"""
