"""Rebuild ames_houses.csv from the full Ames CSV (74 columns): python data/extract.py FULL.csv"""
import csv
import sys
from pathlib import Path

COLUMNS = ["Gr_Liv_Area", "Bedroom_AbvGr", "Full_Bath", "Half_Bath",
           "Year_Built", "Lot_Area", "Garage_Cars", "Sale_Price"]

with open(sys.argv[1], newline="") as source:
    rows = list(csv.DictReader(source))
with open(Path(__file__).with_name("ames_houses.csv"), "w", newline="") as target:
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([row[c] for c in COLUMNS] for row in rows)
