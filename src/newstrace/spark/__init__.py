"""newstrace on Apache Spark: the same collect -> extract -> analyze -> link pipeline, spread over a cluster.

Nothing here re-implements a rule. The modules only say how the single-machine functions are spread out:

- ``units``: the driver turns sources (files, folders, globs) into *units* of work in the order ``collect`` reads
  them: one file, one line range of a large JSONL dump, one row group of a Parquet file;
- ``documents``: on the executors, a unit's documents go through ``newstrace.ingest.process_batch`` (the function
  ``newstrace ingest`` runs: extract, then ``analyze_many`` with ``nlp.pipe``; the spaCy model loads once per
  Python worker) and each article is written to a throw-away in-memory ``Store``, so its stored row (the analysis
  JSON included) is byte for byte what ``ingest`` stores; failures become ledger rows with stage and reason;
- ``order``: duplicates dropped and ``seq`` numbers given exactly as one ``ingest`` run would;
- ``entities``, ``linking``, ``bins``: entities resolved over connected groups of entities that share resolution
  keys (``link.resolve``), story links scored block by block (``link.blocks``), then articles joined by story links,
  MinHash-LSH bands and lead words into connected components (``components``, label propagation); each bin is
  linked by ``newstrace.link.link_store`` on an in-memory ``Store`` that holds only its articles, their canonical
  ids given (one implementation of every rule);
- ``schema``, ``tables``, ``read``: the export tables (``newstrace.export.tables.TABLES``, rows from
  ``article_rows``) written as Parquet partitioned by publication date, and read back with pyarrow;
- ``load``: a Spark output folder into a store, so ``serve``, the CLI and the Python API read it;
- ``job``: the whole run (``newstrace spark``, and ``spark-submit .../newstrace/spark/job.py`` on a cluster).

pyspark is an optional extra: ``pip install 'newstrace[spark]'`` (Java 17+ from the system, e.g. the
``default-jre-headless`` apt package).
"""
