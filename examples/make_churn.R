# Write examples/churn.csv and examples/new_customers.csv. Run from the repository root:
#
#   Rscript examples/make_churn.R
#
# Source: the data set `wa_churn` of R's modeldata package (Max Kuhn; copyright Posit
# Software, PBC), licence "MIT + file LICENSE" (packageDescription("modeldata")$License).
# Origin: IBM's "Telco Customer Churn" sample data (7,043 customers of a fictional
# telecommunications company), published by IBM as a Watson Analytics sample data set;
# modeldata's author downloaded it from the IBM Watson site (https://ibm.co/2sOvyvy) in
# September 2018. modeldata does not restate separate terms from IBM for the sample.
#
# churn.csv keeps 9 of the 20 columns, renamed to snake_case by modeldata already:
# churn ("Yes"/"No"), tenure (months), contract, monthly_charges, total_charges,
# internet_service, payment_method, senior_citizen (0/1), paperless_billing (0/1).
# The 11 customers with tenure 0 have no total_charges: their cell is left empty,
# not dropped. new_customers.csv holds 3 made-up customers with the same predictor
# columns and no churn column, for `statreport predict`.
#
# The output is deterministic (same bytes on every run). Requires r-base-core and
# r-cran-modeldata (Debian packages).

suppressPackageStartupMessages(library(modeldata))

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..")))
}
stopifnot(dir.exists("examples"))

data("wa_churn", package = "modeldata", envir = environment())
columns <- c("churn", "tenure", "contract", "monthly_charges", "total_charges",
             "internet_service", "payment_method", "senior_citizen", "paperless_billing")
churn <- as.data.frame(wa_churn)[, columns]
for (name in names(churn)) {
  if (is.factor(churn[[name]])) churn[[name]] <- as.character(churn[[name]])
}
for (name in c("tenure", "senior_citizen", "paperless_billing")) {
  stopifnot(all(churn[[name]] == round(churn[[name]])))
  churn[[name]] <- as.integer(churn[[name]])
}
stopifnot(
  nrow(churn) == 7043,
  setequal(churn$churn, c("Yes", "No")),
  setequal(churn$contract, c("Month-to-month", "One year", "Two year")),
  sum(is.na(churn$total_charges)) == 11,
  all(rowSums(is.na(churn[, setdiff(columns, "total_charges")])) == 0)
)

new_customers <- data.frame(
  tenure = c(2L, 30L, 60L),
  contract = c("Month-to-month", "One year", "Two year"),
  monthly_charges = c(70.35, 55.2, 95.75),
  total_charges = c(140.7, 1656, 5745),
  internet_service = c("Fiber optic", "DSL", "Fiber optic"),
  payment_method = c("Electronic check", "Credit card (automatic)",
                     "Bank transfer (automatic)"),
  senior_citizen = c(0L, 0L, 1L),
  paperless_billing = c(1L, 0L, 1L),
  stringsAsFactors = FALSE
)
for (name in names(new_customers)) {
  if (is.character(new_customers[[name]])) {
    stopifnot(all(new_customers[[name]] %in% churn[[name]]))
  }
}

write_plain_csv <- function(d, path) {
  text <- vapply(d, is.character, logical(1))
  # No field needs quoting: no commas, quotes or line breaks in the text columns.
  stopifnot(!any(vapply(d[text], function(x) any(grepl("[,\"\r\n]", x)), logical(1))))
  write.csv(d, path, row.names = FALSE, quote = FALSE, na = "", eol = "\n",
            fileEncoding = "UTF-8")
  cat("wrote", path, "\n")
}

write_plain_csv(churn, file.path("examples", "churn.csv"))
write_plain_csv(new_customers, file.path("examples", "new_customers.csv"))
