# Reference values for `statreport predict`: R's glm(family = binomial) fits with tight
# convergence, their coefficients and covariance, and predict.glm() on new rows: the linear
# predictor and its standard error (type = "link", se.fit = TRUE), the probability
# (type = "response") and its 95% interval plogis(fit -/+ qnorm(0.975) * se.fit).
# Run from the repository root:
#
#   Rscript tests/reference/predict/make_predict_reference.R
#
# Writes tests/reference/predict/<case>.json. Requires r-base-core and r-cran-jsonlite
# (Debian packages).

suppressPackageStartupMessages(library(jsonlite))

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "predict")
stopifnot(dir.exists(out_dir))

# Factor whose levels are in C-locale byte order (matches Python's sorted()).
byte_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

# R's coefficient name -> statreport's (formulaic's): `factors` maps each factor column
# to the name formulaic gives its term, e.g. party -> C(party, Treatment('independent')).
formulaic_name <- function(r_name, factors, levels_of) {
  parts <- strsplit(r_name, ":", fixed = TRUE)[[1]]
  parts <- vapply(parts, function(part) {
    if (part == "(Intercept)") return("Intercept")
    for (column in names(factors)) {
      level <- substring(part, nchar(column) + 1)
      if (startsWith(part, column) && level %in% levels_of[[column]]) {
        return(paste0(factors[[column]], "[T.", level, "]"))
      }
    }
    gsub("^", " ** ", part, fixed = TRUE)
  }, character(1))
  paste(parts, collapse = ":")
}

cases <- list(
  list(
    case = "churn_new_customers",
    data = "examples/churn.csv", positive = "Yes",
    formula = "churn ~ tenure + contract + monthly_charges",
    r_formula = y ~ tenure + contract + monthly_charges,
    prepare = function(d) {
      d$y <- as.integer(d$churn == "Yes")
      d$contract <- byte_factor(d$contract)
      d
    },
    factors = c(contract = "contract"),
    new_data = "examples/new_customers.csv",
    new_rows = function(nd) seq_len(nrow(nd)),
    new_rows_text = "every row of examples/new_customers.csv"
  ),
  list(
    case = "churn_interactions",
    data = "examples/churn.csv", positive = "Yes",
    formula = paste("churn ~ tenure * contract + log(monthly_charges) + I(tenure ** 2)",
                    "+ internet_service"),
    r_formula = y ~ tenure * contract + log(monthly_charges) + I(tenure^2) + internet_service,
    prepare = function(d) {
      d$y <- as.integer(d$churn == "Yes")
      d$contract <- byte_factor(d$contract)
      d$internet_service <- byte_factor(d$internet_service)
      d
    },
    factors = c(contract = "contract", internet_service = "internet_service"),
    new_data = "examples/churn.csv",
    new_rows = function(nd) 1:200,
    new_rows_text = "the first 200 data rows of examples/churn.csv (0-based rows 0..199)"
  ),
  list(
    case = "anes96_new",
    data = "examples/anes96.csv", positive = "Dole",
    formula = "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
    r_formula = y ~ party + age + education + self_lr,
    prepare = function(d) {
      d$y <- as.integer(d$vote == "Dole")
      d$party <- relevel(byte_factor(d$party), ref = "independent")
      d$education <- byte_factor(d$education)  # reference "college"
      d
    },
    factors = c(party = "C(party, Treatment('independent'))", education = "education"),
    new_data = "examples/anes96.csv",
    new_rows = function(nd) seq(1, nrow(nd), by = 10),
    new_rows_text = "every 10th data row of examples/anes96.csv (0-based rows 0, 10, ..., 940)"
  )
)

z <- qnorm(0.975)
for (cs in cases) {
  raw <- read.csv(cs$data, stringsAsFactors = FALSE)
  d <- cs$prepare(raw)
  fit <- glm(cs$r_formula, family = binomial(), data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  stopifnot(fit$converged, !any(is.na(coef(fit))))
  factor_columns <- names(cs$factors)
  levels_of <- lapply(setNames(factor_columns, factor_columns), function(v) levels(d[[v]]))

  r_terms <- names(coef(fit))
  terms <- vapply(r_terms, formulaic_name, character(1), factors = cs$factors,
                  levels_of = levels_of, USE.NAMES = FALSE)
  sm <- summary(fit)$coefficients
  coefficients <- lapply(seq_along(r_terms), function(i) list(
    term = terms[i], r_term = r_terms[i],
    estimate = sm[i, "Estimate"], std_error = sm[i, "Std. Error"]
  ))
  V <- vcov(fit)
  stopifnot(identical(rownames(V), r_terms))

  # The new rows, as read from the file; factor columns get the fit's levels.
  new_raw <- read.csv(cs$new_data, stringsAsFactors = FALSE)
  rows <- cs$new_rows(new_raw)
  nd <- new_raw[rows, , drop = FALSE]
  for (v in factor_columns) {
    stopifnot(all(nd[[v]] %in% levels_of[[v]]))
    nd[[v]] <- factor(nd[[v]], levels = levels_of[[v]])
  }
  link <- predict.glm(fit, newdata = nd, type = "link", se.fit = TRUE)
  response <- predict.glm(fit, newdata = nd, type = "response")
  stopifnot(length(link$fit) == length(rows), all(is.finite(link$se.fit)))
  predictor_columns <- all.vars(cs$r_formula[[3]])
  predictions <- lapply(seq_along(rows), function(i) list(
    row = rows[i] - 1L,
    values = as.list(new_raw[rows[i], predictor_columns, drop = FALSE]),
    link = unname(link$fit[i]),
    link_se = unname(link$se.fit[i]),
    probability = unname(response[i]),
    ci_low = plogis(unname(link$fit[i]) - z * unname(link$se.fit[i])),
    ci_high = plogis(unname(link$fit[i]) + z * unname(link$se.fit[i]))
  ))

  out <- list(
    case = cs$case,
    data = cs$data,
    formula = cs$formula,
    r_formula = paste(deparse(cs$r_formula, width.cutoff = 500L), collapse = " "),
    positive = cs$positive,
    generated_by = paste(R.version.string, "glm() and predict.glm()"),
    n_obs = nrow(model.frame(fit)),
    n_dropped = nrow(raw) - nrow(model.frame(fit)),
    levels = levels_of,
    coefficients = coefficients,
    covariance = list(terms = terms, r_terms = r_terms, matrix = unname(V)),
    new_data = cs$new_data,
    new_rows = cs$new_rows_text,
    rows = rows - 1L,
    ci_level = 0.95,
    predictions = predictions
  )
  path <- file.path(out_dir, paste0(cs$case, ".json"))
  writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE,
                    null = "null", na = "null"), path)
  cat("wrote", path, "\n")
}
