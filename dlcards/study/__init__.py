"""Studying, with no UI code (DESIGN §6): the day's review session and practice.

- ``protocol``: ``Session``, the calls the TUI and plain mode make of either session
- ``items``: ``QueueItem``, one card as a session presents it
- ``base``: ``SessionBase``, the plumbing both sessions share (undo, suspend, set aside)
- ``queue``: which cards a study day shows, in which order (pure or read-only)
- ``session``: ``StudySession``, the day's queue, grading, re-drills and bury
- ``practice``: ``PracticeSession``, cards regardless of their schedule
- ``compute``: which instance a compute card shows
- ``empty``: what to say when a session has nothing to show, and what to do

Import names from the module that defines them; this package re-exports nothing.
"""
