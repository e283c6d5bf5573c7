"""The public surface of Keras at commit 4e1ec93 (September 2015): every module and the
classes, functions and constants it defines at top level.

The runner (`python -m legacy_bn`) uses this table to tell a 2015 feature that legacy_bn does
not have yet (a clear "not available yet" error) from a name that never existed (Python's usual
error); docs/compat.md's status table is checked against it.
"""

# module -> names it defines, as one space-separated string
MODULES = {
    'keras': '',
    'keras.activations': 'get hard_sigmoid linear relu sigmoid softmax softplus tanh time_distributed_softmax',
    'keras.callbacks': ('BaseLogger Callback CallbackList EarlyStopping History LearningRateScheduler '
        'ModelCheckpoint RemoteMonitor'),
    'keras.constraints': 'Constraint get identity maxnorm MaxNorm NonNeg nonneg unitnorm UnitNorm',
    'keras.datasets': '',
    'keras.datasets.cifar': 'load_batch',
    'keras.datasets.cifar10': 'load_data',
    'keras.datasets.cifar100': 'load_data',
    'keras.datasets.data_utils': 'get_file ParanoidURLopener',
    'keras.datasets.imdb': 'load_data',
    'keras.datasets.mnist': 'load_data',
    'keras.datasets.reuters': 'get_word_index load_data make_reuters_dataset',
    'keras.initializations': ('get get_fans glorot_normal glorot_uniform he_normal he_uniform identity '
        'lecun_uniform normal one orthogonal uniform zero'),
    'keras.layers': '',
    'keras.layers.advanced_activations': 'LeakyReLU ParametricSoftplus PReLU ThresholdedLinear ThresholdedReLu',
    'keras.layers.containers': 'Graph Sequential',
    'keras.layers.convolutional': ('Convolution1D Convolution2D MaxPooling1D MaxPooling2D UpSample1D UpSample2D '
        'ZeroPadding2D'),
    'keras.layers.core': ('Activation ActivityRegularization AutoEncoder Dense Dropout Flatten Layer '
        'MaskedLayer Masking MaxoutDense Merge Permute RepeatVector Reshape '
        'TimeDistributedDense'),
    'keras.layers.embeddings': 'Embedding WordContextProduct',
    'keras.layers.noise': 'GaussianDropout GaussianNoise',
    'keras.layers.normalization': 'BatchNormalization LRN2D',
    'keras.layers.recurrent': 'GRU JZS1 JZS2 JZS3 LSTM Recurrent SimpleDeepRNN SimpleRNN',
    'keras.models': ('batch_shuffle get_function_name Graph make_batches Model model_from_config '
        'model_from_json model_from_yaml Sequential slice_X standardize_weights standardize_X '
        'standardize_y weighted_objective'),
    'keras.objectives': ('binary_crossentropy categorical_crossentropy get hinge MAE mae MAPE mape '
        'mean_absolute_error mean_absolute_percentage_error mean_squared_error '
        'mean_squared_logarithmic_error MSE mse msle MSLE poisson_loss squared_hinge'),
    'keras.optimizers': ('adadelta Adadelta Adagrad adagrad Adam adam clip_norm get kl_divergence Optimizer '
        'rmsprop RMSprop sgd SGD'),
    'keras.preprocessing': '',
    'keras.preprocessing.image': ('array_to_img horizontal_flip ImageDataGenerator img_to_array list_pictures load_img '
        'random_barrel_transform random_channel_shift random_rotation random_shear '
        'random_shift random_zoom vertical_flip'),
    'keras.preprocessing.sequence': 'make_sampling_table pad_sequences skipgrams',
    'keras.preprocessing.text': 'base_filter one_hot text_to_word_sequence Tokenizer',
    'keras.regularizers': ('activity_l1 activity_l1l2 activity_l2 ActivityRegularizer get identity l1 l1l2 l2 '
        'Regularizer WeightRegularizer'),
    'keras.utils': '',
    'keras.utils.generic_utils': 'get_from_module make_tuple printv Progbar',
    'keras.utils.io_utils': 'HDF5Matrix load_array save_array',
    'keras.utils.layer_utils': 'container_from_config get_layer print_layer_shapes',
    'keras.utils.np_utils': ('accuracy binary_logloss categorical_probas_to_classes multiclass_logloss normalize '
        'probas_to_classes to_categorical'),
    'keras.utils.test_utils': 'get_test_data',
    'keras.utils.theano_utils': 'alloc_zeros_matrix floatX ndim_tensor shared_ones shared_scalar shared_zeros sharedX',
    'keras.wrappers': '',
    'keras.wrappers.scikit_learn': 'BaseWrapper KerasClassifier KerasRegressor',
}
MODULES = {mod: tuple(names.split()) for mod, names in MODULES.items()}
