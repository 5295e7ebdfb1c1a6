"""newstrace on Apache Spark: the same collect -> extract -> analyze -> link pipeline, spread over a cluster.

Nothing here re-implements a rule. The modules only say how the single-machine functions are spread out:

- ``units``: the driver turns sources (files, folders, globs) into *units* of work in the order ``collect`` reads
  them: one file, one line range of a large JSONL dump, one row group of a Parquet file;
- ``documents``: on the executors, a unit's documents go through ``newstrace.ingest.process_batch`` (the function
  ``newstrace ingest`` runs: extract, then ``analyze_many`` with ``nlp.pipe``; the spaCy model loads once per
  Python worker) and each article is written to a throw-away in-memory ``Store``, so its stored row (the analysis
  JSON included) is byte for byte what ``ingest`` stores; failures become ledger rows with stage and reason;
- ``order``: duplicates dropped and ``seq`` numbers given exactly as one ``ingest`` run would;
- ``linking``: candidate keys (MinHash-LSH bands, story and entity blocking keys, computed by the link code's own
  functions) joined in Spark into connected components (``components``, label propagation); each bin of
  components is linked by ``newstrace.link.link_store`` on an in-memory ``Store`` that holds only those articles
  (one implementation of every rule);
- ``schema``, ``tables``, ``read``: the export tables (``newstrace.export.tables.TABLES``, rows from
  ``article_rows``) written as Parquet partitioned by publication date, and read back with pyarrow;
- ``load``: a Spark output folder into a store, so ``serve``, the CLI and the Python API read it;
- ``job``: the whole run (``newstrace spark``, and ``spark-submit .../newstrace/spark/job.py`` on a cluster).

pyspark is an optional extra: ``pip install 'newstrace[spark]'`` (Java 17+ from the system, e.g. the
``default-jre-headless`` apt package).
"""
