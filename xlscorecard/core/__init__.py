"""The scoring core: the domain types and the pure rules (no file I/O, no spreadsheet library).

``model`` and ``periods`` are the types every stage shares; ``scoring`` the SPEC's rules
(target, variance, RAG, DOT, trend, quartile); ``summary`` the counts and headline; ``ranking``
comparator tables; ``spc`` statistical process control, signal or noise; ``explain`` the
arithmetic in words; ``checks`` what a scored result must not keep quiet about; ``deadlines``
when returns are due and who has sent theirs. The golden tests against the councils' published
figures run here.
"""
