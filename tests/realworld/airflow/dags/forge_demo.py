import datetime
from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="forge_demo",
    description="A DAG the openapi-forge real-world driver triggers",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1),
    catchup=False,
    tags=["forge"],
    params={"greeting": "hello"},
) as dag:
    first = EmptyOperator(task_id="first")
    second = EmptyOperator(task_id="second")
    first >> second
